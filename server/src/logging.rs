//! Structured logs with `tracing`: text for a console, JSON for collectors.

use crate::cli::{GlobalArgs, LogFormat};
use tracing_subscriber::EnvFilter;

pub fn init(args: &GlobalArgs) {
    let filter = EnvFilter::try_new(&args.log_filter).unwrap_or_else(|e| {
        eprintln!(
            "warning: bad log filter {:?} ({e}); using `info`",
            args.log_filter
        );
        EnvFilter::new("info")
    });
    // Logs go to stderr, always: stdout is the commands' output (`export … > file.jsonl`,
    // `channel list --json | jq`), which a log line would break. Colours only for a person at
    // a terminal; log files and collectors get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let result = match args.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}
