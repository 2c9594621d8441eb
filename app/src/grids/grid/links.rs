//! Every link a grid draws goes through here: the page's path, the parameters it keeps (a
//! record page's `tab`), then the grid's state, canonical. Filters the page fixes (a related
//! list's `customer=…`) are implied by the path and never written into links.

use super::model::Pairs;
use crate::grids::codec;
use leptos_router::params::ParamsMap;

#[derive(Clone, Debug, PartialEq)]
pub struct Links {
    pub path: String,
    pub keep: Vec<(String, String)>,
    pub fixed: Vec<(String, String)>,
}

impl Links {
    /// A link to the state of these parameters (`Query::pairs` and its transitions).
    pub fn to(&self, state: Pairs) -> String {
        let mut pairs = self.keep.clone();
        pairs.extend(state.into_iter().filter(|(k, _)| !self.is_fixed(k)));
        codec::href(&self.path, &pairs)
    }

    /// The grid with nothing chosen (kept parameters only).
    pub fn reset(&self) -> String {
        codec::href(&self.path, &self.keep)
    }

    pub fn is_fixed(&self, key: &str) -> bool {
        self.fixed.iter().any(|(k, _)| k == key)
    }

    pub fn is_kept(&self, key: &str) -> bool {
        self.keep.iter().any(|(k, _)| k == key)
    }

    /// What the grid's server function gets: the URL's parameters, without the kept ones, with
    /// the fixed filters (which win over anything the URL says for their keys).
    pub fn request(&self, url: &ParamsMap) -> String {
        let mut pairs: Vec<(String, String)> = url
            .into_iter()
            .filter(|(k, _)| !self.is_kept(k) && !self.is_fixed(k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        pairs.extend(self.fixed.iter().cloned());
        codec::encode_pairs(&pairs)
    }
}
