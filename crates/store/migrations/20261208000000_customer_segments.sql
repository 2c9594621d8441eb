-- Customer segments for marketing lists: the Customers grid filters by group, country,
-- newsletter status, last order and RFM score.

-- RFM scores, kept by `store::segments::refresh_rfm` at the end of every sync run: recency
-- (the last non-canceled order), frequency (non-canceled orders in the last 365 days) and
-- monetary (lifetime sales), each 1–5 by quintile within the channel (monetary within channel
-- and currency), as the customers report computes them (store::metrics::rfm). NULL for
-- customers without a non-canceled order. Nullable columns without a default: no rewrite.
alter table customers
    add column rfm_recency smallint,
    add column rfm_frequency smallint,
    add column rfm_monetary smallint,
    add constraint customers_rfm_check check (
        (rfm_recency is null and rfm_frequency is null and rfm_monetary is null)
        or (rfm_recency between 1 and 5 and rfm_frequency between 1 and 5
            and rfm_monetary between 1 and 5));

-- The country a customer shows (the default billing address's, else the first address's) is
-- the first entry of this index per customer: the country filter reads one index entry per
-- customer, without visiting the addresses.
create index customer_addresses_shown_idx
    on customer_addresses (customer_id, is_default_billing desc, id) include (country_id);

-- The Customers grid sorted by last order or by RFM score.
create index customers_last_order_sort_idx on customers (last_order_at desc nulls last, id desc);
create index customers_rfm_sort_idx on customers
    ((rfm_recency * 100 + rfm_frequency * 10 + rfm_monetary) desc nulls last, id desc);
