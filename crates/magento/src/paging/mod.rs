//! Walking result sets: page numbers with every stop rule (contract §4.3), the keyset
//! cursor of §7.1, and id scans for reconciliation (§7.2).
//!
//! Each pager hands out one page per `next_page().await`, so the caller can start fetching
//! page N+1 while it writes page N (`tokio::join!(write(page), pager.next_page())`).

mod id_scan;
mod keyset;
mod offset;

pub use id_scan::{IdPage, IdScan};
pub use keyset::{KeysetCursor, KeysetPage, KeysetPager};
pub use offset::OffsetPager;

use crate::MAX_PAGE_SIZE;

/// The page size used when the caller gives none.
const DEFAULT_PAGE_SIZE: u32 = 100;

/// Magento rejects page sizes above 300 when input limits are on, and 0 means "everything".
fn clamp_page_size(size: u32) -> u32 {
    size.clamp(1, MAX_PAGE_SIZE)
}
