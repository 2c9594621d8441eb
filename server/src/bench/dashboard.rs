//! `cartwise bench dashboard`: the dashboard's server time over a seeded store of 1M orders and
//! 1M carts, beside the same queries' raw SQL time (issue 7). Owned by the dashboards work.

use anyhow::Result;
use store::PgPool;

pub async fn run(_pool: &PgPool, _cipher: &store::secrets::Cipher, _scale: f64) -> Result<()> {
    anyhow::bail!("the dashboard benchmark is being written (issue 7)")
}
