//! `cartwise bench …`: performance measurements reported as ratios against floors measured in
//! the same run. Each benchmark starts its own embedded Postgres under `target/bench` (or
//! uses DATABASE_URL) so it never touches real data.

pub mod actions;
pub mod dashboard;
pub mod edits;
pub mod grid;
pub mod lists;
pub mod load;
pub mod products;
pub mod seed;
pub mod sync;

/// How to reach the benchmark's Postgres: DATABASE_URL, or the embedded cluster of its data
/// directory (each benchmark then makes its own fresh database in it).
pub(crate) fn database_options(
    global: &crate::cli::GlobalArgs,
) -> anyhow::Result<sqlx::postgres::PgConnectOptions> {
    use std::str::FromStr;
    Ok(match global.database_url() {
        Some(u) => sqlx::postgres::PgConnectOptions::from_str(u)?,
        None => crate::embedded_pg::EmbeddedPostgres::locate(
            &global.data_dir,
            global.pg_bin.as_deref(),
            &global.pg_user,
        )?
        .connect_options(crate::embedded_pg::DB_NAME),
    })
}

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
pub fn peak_rss_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

/// Resident memory of this process now, in MiB (Linux `VmRSS`).
pub fn rss_mib() -> Option<f64> {
    status_mib("VmRSS:")
}

/// A `/proc/self/status` line's value in kB, as MiB.
fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak so the next phase is measured alone (Linux `clear_refs` 5).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The p-th percentile (0..=100) of sorted samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_ranked_sample() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&samples, 50.0), 51.0);
        assert_eq!(percentile(&samples, 95.0), 95.0);
        assert_eq!(percentile(&samples, 100.0), 100.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn peak_rss_is_readable_on_linux() {
        assert!(peak_rss_mib().is_some_and(|m| m > 0.0));
        assert!(rss_mib().is_some_and(|m| m > 0.0));
    }
}
