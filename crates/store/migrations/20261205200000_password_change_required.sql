-- A generated first administrator's password is printed to the console (and so to log files):
-- it must be changed at the first sign-in before anything else can be done.
alter table users add column must_change_password boolean not null default false;
