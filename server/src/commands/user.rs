//! `cartwise user add|password|list`.

use crate::cli::{GlobalArgs, UserCommand};
use crate::database::Database;
use anyhow::{Context, Result};
use store::{credentials, users};

pub async fn run(global: GlobalArgs, cmd: UserCommand) -> Result<()> {
    let db = Database::open(&global).await?;
    let result = execute(&db, cmd).await;
    db.close().await?;
    result
}

async fn execute(db: &Database, cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            email,
            role,
            name,
            password,
        } => {
            let (password, generated) = password_or_random(password)?;
            let name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            let hash = credentials::hash_password(&password)?;
            let id = users::create(
                &db.pool,
                users::NewUser {
                    email: &email,
                    name: &name,
                    role,
                    password_hash: &hash,
                },
            )
            .await
            .context("creating the user")?;
            println!("Created user {id}: {email} ({role})");
            if generated {
                println!("Password: {password}");
            }
        }
        UserCommand::Password { email, password } => {
            let (password, generated) = password_or_random(password)?;
            let found = users::find_credentials(&db.pool, &email)
                .await?
                .with_context(|| format!("no user with email {email}"))?;
            let hash = credentials::hash_password(&password)?;
            users::set_password(&db.pool, found.user.id, &hash, None).await?;
            println!("Password changed for {email}; their sessions were ended.");
            if generated {
                println!("Password: {password}");
            }
        }
        UserCommand::List => {
            for u in users::list(&db.pool).await? {
                println!(
                    "{:>5}  {:<32}  {:<14}  {}{}",
                    u.id,
                    u.email,
                    u.role.label(),
                    u.name,
                    if u.is_active { "" } else { "  (deactivated)" }
                );
            }
        }
    }
    Ok(())
}

fn password_or_random(password: Option<String>) -> Result<(String, bool)> {
    match password {
        Some(p) => {
            credentials::validate_new_password(&p)?;
            Ok((p, false))
        }
        None => Ok((credentials::random_password(), true)),
    }
}
