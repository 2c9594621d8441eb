//! `cartwise`: the CRM's one binary. `cartwise serve` (the default) runs the web app; the other
//! subcommands administer the same database from a shell.

// The app's pages are monomorphised here; release builds (fully typed views) need the room.
#![recursion_limit = "512"]

use clap::Parser;
use server::cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    server::logging::init(&cli.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or_default() {
            Command::Serve(args) => server::serve::run(cli.global, args).await,
            Command::User(cmd) => server::commands::user::run(cli.global, cmd).await,
            Command::Db(cmd) => server::commands::db::run(cli.global, cmd).await,
            Command::Channel(cmd) => server::commands::channel::run(cli.global, cmd).await,
            Command::Sync(args) => server::commands::sync::run(cli.global, args).await,
            Command::Export(args) => server::commands::export::run(cli.global, args).await,
            Command::Cart(cmd) => server::commands::cart::run(cli.global, cmd).await,
            Command::Customer(cmd) => server::commands::customer::run(cli.global, cmd).await,
            Command::Subscriber(cmd) => {
                server::commands::customer::run_subscriber(cli.global, cmd).await
            }
            Command::Bench(cmd) => server::commands::bench::run(cli.global, cmd).await,
            Command::DemoStore(args) => server::commands::demo_store::run(args).await,
            Command::Key(cmd) => server::commands::key::run(cli.global, cmd).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
