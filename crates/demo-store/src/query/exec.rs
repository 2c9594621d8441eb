//! Runs a searchCriteria against a table.
//!
//! Single-filter groups on the id or on `updated_at` (the keyset queries of the sync) become
//! index ranges; everything else is a per-row predicate (OR inside a group, AND across
//! groups). When the requested order is the index order the page is read straight off the
//! index and counted with bucket counts; otherwise matches are collected and sorted.

use std::cmp::Ordering;
use std::ops::Bound;

use super::columns::Searchable;
use super::criteria::SearchCriteria;
use super::plan::{in_bounds, plan, updated_keys};
use super::value::{LikePattern, Literal, Val};
use crate::config::PagingMode;
use crate::error::ApiError;
use crate::model::Catalog;
use crate::store::{Row, Table};

/// Magento's input-limit defaults (`webapi/validation/*`).
pub const DEFAULT_PAGE_SIZE: i64 = 20;
pub const MAX_PAGE_SIZE: i64 = 300;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum CmpOp {
    Eq,
    Neq,
    Gt,
    Gteq,
    Lt,
    Lteq,
}

#[derive(Clone, Debug)]
pub(super) enum Op {
    Cmp(CmpOp, Literal),
    Like(LikePattern, bool),
    In(Vec<Literal>, bool),
    IsNull(bool),
    FindInSet(String, bool),
}

#[derive(Clone, Debug)]
pub(super) struct Cond<C> {
    pub(super) col: C,
    pub(super) op: Op,
}

impl<C: Copy> Cond<C> {
    fn holds(&self, v: &Val<'_>) -> bool {
        match &self.op {
            Op::IsNull(want_null) => v.is_null() == *want_null,
            _ if v.is_null() => false,
            Op::Cmp(op, lit) => match lit.compare(v) {
                None => false,
                Some(ord) => match op {
                    CmpOp::Eq => ord == Ordering::Equal,
                    CmpOp::Neq => ord != Ordering::Equal,
                    CmpOp::Gt => ord == Ordering::Greater,
                    CmpOp::Gteq => ord != Ordering::Less,
                    CmpOp::Lt => ord == Ordering::Less,
                    CmpOp::Lteq => ord != Ordering::Greater,
                },
            },
            Op::Like(p, negate) => p.matches(&v.db_text()) != *negate,
            Op::In(list, negate) => {
                list.iter().any(|l| l.compare(v) == Some(Ordering::Equal)) != *negate
            }
            Op::FindInSet(needle, negate) => {
                let text = v.db_text();
                let found = text
                    .split(',')
                    .any(|part| super::value::ci_cmp(part, needle) == Ordering::Equal);
                found != *negate
            }
        }
    }
}

/// A searchCriteria resolved against a table's columns.
pub struct Compiled<C> {
    pub(super) groups: Vec<Vec<Cond<C>>>,
    sorts: Vec<(C, bool)>,
    sort_given: bool,
}

fn unknown_column(report: u64) -> ApiError {
    ApiError::internal(report)
}

/// Resolves columns and condition types; unknown columns are the SQL error Magento turns
/// into a 500.
pub fn compile<T: Searchable>(
    sc: &SearchCriteria,
    report: u64,
) -> Result<Compiled<T::Col>, ApiError> {
    let mut groups = Vec::new();
    for group in &sc.filter_groups {
        let mut conds = Vec::new();
        for f in &group.filters {
            let field = f.field.as_deref().ok_or_else(|| unknown_column(report))?;
            let (col, _kind) = T::column(field).ok_or_else(|| unknown_column(report))?;
            let value = f.value.as_deref().unwrap_or("");
            conds.push(Cond {
                col,
                op: condition(f.condition_type.as_deref().unwrap_or("eq"), value),
            });
        }
        if !conds.is_empty() {
            groups.push(conds);
        }
    }
    let mut sorts = Vec::new();
    for s in sc.sort_orders.iter().flatten() {
        let field = s.field.as_deref().ok_or_else(|| unknown_column(report))?;
        let (col, _) = T::column(field).ok_or_else(|| unknown_column(report))?;
        // Magento: `direction == ASC ? ASC : DESC`, so an omitted direction sorts descending.
        sorts.push((col, s.direction.as_deref() == Some("ASC")));
    }
    Ok(Compiled {
        groups,
        sorts,
        sort_given: sc.sort_orders.as_ref().is_some_and(|s| !s.is_empty()),
    })
}

/// Condition types of `Magento\Framework\DB\Adapter\Pdo\Mysql::prepareSqlCondition`.
/// Unknown types fall through to equality there, so they do here.
fn condition(kind: &str, value: &str) -> Op {
    let list = |v: &str| v.split(',').map(Literal::new).collect::<Vec<_>>();
    match kind {
        "neq" => Op::Cmp(CmpOp::Neq, Literal::new(value)),
        "gt" => Op::Cmp(CmpOp::Gt, Literal::new(value)),
        "gteq" | "moreq" | "from" => Op::Cmp(CmpOp::Gteq, Literal::new(value)),
        "lt" => Op::Cmp(CmpOp::Lt, Literal::new(value)),
        "lteq" | "to" => Op::Cmp(CmpOp::Lteq, Literal::new(value)),
        "like" => Op::Like(LikePattern::new(value), false),
        "nlike" => Op::Like(LikePattern::new(value), true),
        "fulltext" => Op::Like(LikePattern::new(&format!("%{value}%")), false),
        "in" => Op::In(list(value), false),
        "nin" => Op::In(list(value), true),
        "null" => Op::IsNull(true),
        "notnull" => Op::IsNull(false),
        "finset" => Op::FindInSet(value.to_string(), false),
        "nfinset" => Op::FindInSet(value.to_string(), true),
        "seq" if value.is_empty() => Op::IsNull(true),
        "sneq" if value.is_empty() => Op::IsNull(false),
        "sneq" => Op::Cmp(CmpOp::Neq, Literal::new(value)),
        _ => Op::Cmp(CmpOp::Eq, Literal::new(value)),
    }
}

/// Page size and number after Magento's defaults and validation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paging {
    /// None = no LIMIT (pageSize omitted or 0).
    pub size: Option<usize>,
    pub page: usize,
    pub mode: PagingMode,
}

impl Paging {
    /// Applies input limits (which also fill the echoed `page_size`) and validation.
    pub fn resolve(
        sc: &mut SearchCriteria,
        mode: PagingMode,
        input_limits: bool,
        report: u64,
    ) -> Result<Paging, ApiError> {
        if input_limits {
            match sc.page_size {
                None => sc.page_size = Some(DEFAULT_PAGE_SIZE),
                Some(size) if size > MAX_PAGE_SIZE => {
                    return Err(
                        ApiError::bad_request("Maximum SearchCriteria pageSize is %max")
                            .named("max", MAX_PAGE_SIZE),
                    );
                }
                _ => {}
            }
        }
        let size = match sc.page_size {
            None | Some(0) => None,
            Some(n) if n < 0 => return Err(ApiError::internal(report)),
            Some(n) => Some(n as usize),
        };
        let page = sc.current_page.unwrap_or(1).max(1) as usize;
        Ok(Paging { size, page, mode })
    }

    /// The offset of the page to serve given the total (2.3 clamps to the last page).
    fn offset(&self, total: usize) -> usize {
        let Some(size) = self.size else { return 0 };
        let offset = (self.page - 1).saturating_mul(size);
        if self.mode == PagingMode::V23 && offset >= total && total > 0 {
            return (total - 1) / size * size;
        }
        offset
    }
}

/// Result ids of one page, in page order, and the unpaged count.
pub struct Found {
    pub ids: Vec<u32>,
    pub total: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Order {
    Natural,
    IdAsc,
    IdDesc,
    UpdAsc,
    UpdDesc,
    Other,
}

pub fn execute<T: Searchable>(
    table: &Table<T>,
    catalog: &Catalog,
    q: &Compiled<T::Col>,
    paging: Paging,
) -> Found {
    let plan = plan::<T>(q);
    let order = order_of::<T>(q);
    let matches = |row: &T| {
        plan.residual.iter().all(|g| {
            q.groups[*g]
                .iter()
                .any(|c| c.holds(&row.value(c.col, catalog)))
        })
    };
    let upd_bounded = !matches!(plan.upd, (Bound::Unbounded, Bound::Unbounded));
    let fully_indexed = table.updated_len() == table.len();
    let limit = paging.size.unwrap_or(usize::MAX);

    // Index-ordered pages: read the page off the index, count without touching rows.
    if !upd_bounded && matches!(order, Order::Natural | Order::IdAsc | Order::IdDesc) {
        let rows = table.range(plan.id.0, plan.id.1);
        if plan.residual.is_empty() {
            let total = table.count_ids(plan.id.0, plan.id.1);
            let offset = paging.offset(total);
            let ids: Vec<u32> = if order == Order::IdDesc {
                rows.rev().skip(offset).take(limit).map(Row::id).collect()
            } else {
                rows.skip(offset).take(limit).map(Row::id).collect()
            };
            return Found { ids, total };
        }
        let mut ids: Vec<u32> = rows.filter(|r| matches(r)).map(Row::id).collect();
        if order == Order::IdDesc {
            ids.reverse();
        }
        return window(ids, paging);
    }
    if (upd_bounded || fully_indexed) && matches!(order, Order::UpdAsc | Order::UpdDesc) {
        let (lo, hi, ids_folded) = updated_keys(&plan);
        let id_ok = |id: u32| ids_folded || in_bounds(id, plan.id);
        let keys = table.updated_range(lo, hi);
        if plan.residual.is_empty()
            && (ids_folded || matches!(plan.id, (Bound::Unbounded, Bound::Unbounded)))
        {
            let total = table.count_updated(lo, hi);
            let offset = paging.offset(total);
            let ids: Vec<u32> = if order == Order::UpdDesc {
                keys.rev().skip(offset).take(limit).map(|k| k.1).collect()
            } else {
                keys.skip(offset).take(limit).map(|k| k.1).collect()
            };
            return Found { ids, total };
        }
        let mut ids: Vec<u32> = keys
            .filter(|k| id_ok(k.1))
            .filter(|k| table.get(k.1).is_some_and(&matches))
            .map(|k| k.1)
            .collect();
        if order == Order::UpdDesc {
            ids.reverse();
        }
        return window(ids, paging);
    }

    // General case: collect candidates in id order, filter, sort stably.
    let mut ids: Vec<u32> = if upd_bounded {
        let (lo, hi, ids_folded) = updated_keys(&plan);
        let mut ids: Vec<u32> = table
            .updated_range(lo, hi)
            .filter(|k| ids_folded || in_bounds(k.1, plan.id))
            .map(|k| k.1)
            .collect();
        ids.sort_unstable();
        ids.retain(|id| table.get(*id).is_some_and(&matches));
        ids
    } else {
        table
            .range(plan.id.0, plan.id.1)
            .filter(|r| matches(r))
            .map(Row::id)
            .collect()
    };
    if q.sort_given {
        sort_ids(table, catalog, &q.sorts, &mut ids);
    }
    window(ids, paging)
}

fn window(ids: Vec<u32>, paging: Paging) -> Found {
    let total = ids.len();
    let offset = paging.offset(total);
    let limit = paging.size.unwrap_or(usize::MAX);
    let ids = ids.into_iter().skip(offset).take(limit).collect();
    Found { ids, total }
}

fn sort_ids<T: Searchable>(
    table: &Table<T>,
    catalog: &Catalog,
    sorts: &[(T::Col, bool)],
    ids: &mut [u32],
) {
    ids.sort_by(|a, b| {
        let (Some(ra), Some(rb)) = (table.get(*a), table.get(*b)) else {
            return Ordering::Equal;
        };
        for (col, asc) in sorts {
            let ord = ra.value(*col, catalog).sort_cmp(&rb.value(*col, catalog));
            if ord != Ordering::Equal {
                return if *asc { ord } else { ord.reverse() };
            }
        }
        Ordering::Equal
    });
}

fn order_of<T: Searchable>(q: &Compiled<T::Col>) -> Order {
    let upd = T::UPDATED;
    match q.sorts.as_slice() {
        [] => Order::Natural,
        [(c, true)] if *c == T::ID => Order::IdAsc,
        [(c, false)] if *c == T::ID => Order::IdDesc,
        [(c, true)] if Some(*c) == upd => Order::UpdAsc,
        [(c, true), (i, true)] if Some(*c) == upd && *i == T::ID => Order::UpdAsc,
        [(c, false)] if Some(*c) == upd => Order::UpdDesc,
        [(c, false), (i, false)] if Some(*c) == upd && *i == T::ID => Order::UpdDesc,
        _ => Order::Other,
    }
}
