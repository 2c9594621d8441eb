//! Reading an answer as it arrives, never more than a limit.
//!
//! `Response::bytes()` reads whatever the store sends, and with gzip on that is whatever the
//! answer inflates to: a few megabytes of a compressed bomb become gigabytes in memory. Here the
//! decoded bytes are counted chunk by chunk and reading stops as soon as they pass the limit;
//! dropping the response then closes the connection instead of draining the rest.
//!
//! Time is bounded by the client's `timeout`, which reqwest applies to the body as well as to
//! the headers: a store that trickles an endless answer fails with a timeout when it expires
//! (`tests/api/limits.rs` checks it, plain and gzip).

use bytes::Bytes;

/// Why an answer could not be read in full.
pub(super) enum ReadError {
    /// More than the limit arrived; `read` bytes had (0 when the announced size was enough).
    TooLarge { read: usize },
    /// The transport failed (a timeout included) after `read` bytes.
    Transport { error: reqwest::Error, read: usize },
}

/// The whole body, or [`ReadError::TooLarge`] as soon as it passes `limit` bytes.
pub(super) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, ReadError> {
    // A plain answer announces its size: refuse it before reading anything. A compressed one
    // announces nothing useful (reqwest drops `Content-Length` when it inflates), so its
    // decoded size is only known by counting.
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(ReadError::TooLarge { read: 0 });
    }
    // Most answers arrive in one chunk: keep it as it is, without a copy.
    let mut only: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut read = 0usize;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => return Err(ReadError::Transport { error, read }),
        };
        read = read.saturating_add(chunk.len());
        if read > limit {
            return Err(ReadError::TooLarge { read });
        }
        if joined.is_empty() && only.is_none() {
            only = Some(chunk);
            continue;
        }
        if joined.is_empty() {
            let capacity = announced.map_or(read, |n| n as usize).clamp(read, limit);
            joined.reserve_exact(capacity);
            joined.extend_from_slice(&only.take().unwrap_or_default());
        } else if joined.capacity() - joined.len() < chunk.len() {
            // Doubling, but never past the limit: the buffer stays within what may be read.
            let target = (joined.capacity() * 2).clamp(read, limit);
            joined.reserve_exact(target - joined.len());
        }
        joined.extend_from_slice(&chunk);
    }
    Ok(match only {
        Some(chunk) => chunk,
        None => Bytes::from(joined),
    })
}
