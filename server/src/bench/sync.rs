//! `cartwise bench sync`: placeholder until the sync benchmark lands (issue 4).

use anyhow::Result;

pub async fn run(_scale: usize) -> Result<()> {
    anyhow::bail!("the sync benchmark is being written (issue 4)")
}
