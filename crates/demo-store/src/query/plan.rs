//! Folding the keyset filters into index ranges: single-filter groups on the id or on the
//! updated column become bounds; everything else stays a per-row predicate.

use std::ops::Bound;

use super::columns::Searchable;
use super::exec::{CmpOp, Compiled, Cond, Op};

/// A bound on `(updated_at, id)` index keys.
pub type KeyBound = Bound<(u32, u32)>;

pub struct Plan {
    pub id: (Bound<u32>, Bound<u32>),
    pub upd: (Bound<u32>, Bound<u32>),
    /// Indices of groups not absorbed into the ranges.
    pub residual: Vec<usize>,
}

/// Folds single-filter groups on the id or updated column into ranges.
pub(super) fn plan<T: Searchable>(q: &Compiled<T::Col>) -> Plan {
    let mut plan = Plan {
        id: (Bound::Unbounded, Bound::Unbounded),
        upd: (Bound::Unbounded, Bound::Unbounded),
        residual: Vec::new(),
    };
    for (gi, group) in q.groups.iter().enumerate() {
        let absorbed = match group.as_slice() {
            [
                Cond {
                    col,
                    op: Op::Cmp(op, lit),
                },
            ] if *col == T::ID && *op != CmpOp::Neq => match lit.text.trim().parse::<u32>() {
                Ok(v) => {
                    narrow(&mut plan.id, *op, v);
                    true
                }
                Err(_) => false,
            },
            [
                Cond {
                    col,
                    op: Op::Cmp(op, lit),
                },
            ] if Some(*col) == T::UPDATED && *op != CmpOp::Neq => match lit.date {
                Some(ts) => {
                    narrow(&mut plan.upd, *op, ts.0);
                    true
                }
                None => false,
            },
            _ => false,
        };
        if !absorbed {
            plan.residual.push(gi);
        }
    }
    plan
}

fn narrow(range: &mut (Bound<u32>, Bound<u32>), op: CmpOp, v: u32) {
    let lower = |b: Bound<u32>, r: &mut (Bound<u32>, Bound<u32>)| {
        if tighter_lower(b, r.0) {
            r.0 = b;
        }
    };
    let upper = |b: Bound<u32>, r: &mut (Bound<u32>, Bound<u32>)| {
        if tighter_upper(b, r.1) {
            r.1 = b;
        }
    };
    match op {
        CmpOp::Eq => {
            lower(Bound::Included(v), range);
            upper(Bound::Included(v), range);
        }
        CmpOp::Gt => lower(Bound::Excluded(v), range),
        CmpOp::Gteq => lower(Bound::Included(v), range),
        CmpOp::Lt => upper(Bound::Excluded(v), range),
        CmpOp::Lteq => upper(Bound::Included(v), range),
        CmpOp::Neq => {}
    }
}

fn tighter_lower(new: Bound<u32>, old: Bound<u32>) -> bool {
    match (new, old) {
        (_, Bound::Unbounded) => true,
        (Bound::Unbounded, _) => false,
        (Bound::Included(a), Bound::Included(b)) | (Bound::Excluded(a), Bound::Excluded(b)) => {
            a > b
        }
        (Bound::Included(a), Bound::Excluded(b)) => a > b,
        (Bound::Excluded(a), Bound::Included(b)) => a >= b,
    }
}

fn tighter_upper(new: Bound<u32>, old: Bound<u32>) -> bool {
    match (new, old) {
        (_, Bound::Unbounded) => true,
        (Bound::Unbounded, _) => false,
        (Bound::Included(a), Bound::Included(b)) | (Bound::Excluded(a), Bound::Excluded(b)) => {
            a < b
        }
        (Bound::Included(a), Bound::Excluded(b)) => a < b,
        (Bound::Excluded(a), Bound::Included(b)) => a <= b,
    }
}

pub(super) fn in_bounds(v: u32, (lo, hi): (Bound<u32>, Bound<u32>)) -> bool {
    let above = match lo {
        Bound::Included(x) => v >= x,
        Bound::Excluded(x) => v > x,
        Bound::Unbounded => true,
    };
    let below = match hi {
        Bound::Included(x) => v <= x,
        Bound::Excluded(x) => v < x,
        Bound::Unbounded => true,
    };
    above && below
}

/// `(updated_at, id)` key bounds; the id range folds into them when updated_at is one
/// instant (the tie phase of the keyset algorithm).
pub(super) fn updated_keys(plan: &Plan) -> (KeyBound, KeyBound, bool) {
    if let (Bound::Included(a), Bound::Included(b)) = plan.upd
        && a == b
    {
        {
            let lo = match plan.id.0 {
                Bound::Included(i) => Bound::Included((a, i)),
                Bound::Excluded(i) => Bound::Excluded((a, i)),
                Bound::Unbounded => Bound::Included((a, 0)),
            };
            let hi = match plan.id.1 {
                Bound::Included(i) => Bound::Included((a, i)),
                Bound::Excluded(i) => Bound::Excluded((a, i)),
                Bound::Unbounded => Bound::Included((a, u32::MAX)),
            };
            return (lo, hi, true);
        }
    }
    let lo = match plan.upd.0 {
        Bound::Included(t) => Bound::Included((t, 0)),
        Bound::Excluded(t) => Bound::Excluded((t, u32::MAX)),
        Bound::Unbounded => Bound::Unbounded,
    };
    let hi = match plan.upd.1 {
        Bound::Included(t) => Bound::Included((t, u32::MAX)),
        Bound::Excluded(t) => Bound::Excluded((t, 0)),
        Bound::Unbounded => Bound::Unbounded,
    };
    (lo, hi, false)
}
