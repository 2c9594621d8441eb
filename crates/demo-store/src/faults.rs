//! Deterministic fault injection: per-request faults drawn from the fault seed and a request
//! counter, and malformed records chosen by hashing (seed, entity, id) — the same records
//! every time, so a sync's error log can be checked exactly.

use crate::config::FaultConfig;
use crate::model::Entity;
use crate::render::Malform;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RequestFault {
    Error500,
    Error503,
    Error429,
    Hang,
    Slow,
}

/// SplitMix64: a fast, well-mixed hash of one word.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The fault (if any) for the `seq`-th request since start.
pub fn request_fault(faults: &FaultConfig, seq: u64) -> Option<RequestFault> {
    if faults.is_quiet() {
        return None;
    }
    let roll = unit(mix(faults.seed ^ mix(seq)));
    let shares = [
        (faults.error_500, RequestFault::Error500),
        (faults.error_503, RequestFault::Error503),
        (faults.error_429, RequestFault::Error429),
        (faults.hang, RequestFault::Hang),
        (faults.slow, RequestFault::Slow),
    ];
    let mut edge = 0.0;
    for (share, fault) in shares {
        edge += share.max(0.0);
        if roll < edge {
            return Some(fault);
        }
    }
    None
}

/// Whether a record breaks every full-record page it is on (see `FaultConfig::poisoned_records`).
pub fn is_poisoned(faults: &FaultConfig, entity: Entity, id: u32) -> bool {
    faults.poisoned_records > 0.0
        && unit(mix(
            faults.seed.rotate_left(17) ^ mix(((entity as u64) << 32) | id as u64)
        )) < faults.poisoned_records
}

/// How (and whether) a record is served malformed.
pub fn malformation(faults: &FaultConfig, entity: Entity, id: u32) -> Option<Malform> {
    if faults.malformed_records <= 0.0 {
        return None;
    }
    let h = mix(faults.seed ^ mix(((entity as u64) << 32) | id as u64));
    if unit(h) >= faults.malformed_records {
        return None;
    }
    let variant = (h & 0xff) % 3;
    Some(match (entity, variant) {
        // Money only where the record carries a total.
        (Entity::Order | Entity::CreditMemo, 0) => Malform::Money,
        (_, 1) => Malform::Id,
        _ => Malform::Date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_respected_roughly_and_deterministically() {
        let faults = FaultConfig {
            seed: 7,
            error_500: 0.1,
            error_429: 0.1,
            ..FaultConfig::default()
        };
        let hits = (0..10_000)
            .filter(|s| request_fault(&faults, *s).is_some())
            .count();
        assert!((1_700..2_300).contains(&hits), "{hits}");
        let again = (0..10_000)
            .filter(|s| request_fault(&faults, *s).is_some())
            .count();
        assert_eq!(hits, again);
        let malformed = FaultConfig {
            seed: 3,
            malformed_records: 0.05,
            ..FaultConfig::default()
        };
        let n = (1..=10_000)
            .filter(|id| malformation(&malformed, Entity::Order, *id).is_some())
            .count();
        assert!((400..600).contains(&n), "{n}");
    }
}
