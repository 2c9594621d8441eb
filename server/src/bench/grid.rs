//! `cartwise bench grid`: grid pages and CSV export over a seeded store of 1M carts, 1M orders
//! and 300k customers (issue 6). Owned by the grids work.

use anyhow::Result;
use store::PgPool;

pub async fn run(_pool: &PgPool, _cipher: &store::secrets::Cipher, _scale: f64) -> Result<()> {
    anyhow::bail!("the grid benchmark is being written (issue 6)")
}
