//! Charts drawn as SVG on the server, so they show before (and without) the WASM; once hydrated
//! they add hover read-outs and legend toggles. Each chart is a `<figure>` with a title and a
//! description for assistive technology, and a data table anyone can open.
//!
//! Hand-written rather than leptos-chartistry: its releases target older Leptos versions (not
//! 0.8), it renders in the browser only (no server-side SVG, so nothing before hydration), and
//! these four chart shapes take a few hundred lines that follow our CSS tokens in light and
//! dark schemes.

mod bars;
mod columns;
mod heatmap;
mod legend;
mod line;
mod scale;
mod table;

pub use bars::{Bar, BarChart};
pub use columns::ColumnChart;
pub use heatmap::{HeatCell, Heatmap};
pub use line::LineChart;
pub use scale::ValueKind;
pub use table::DataTable;

/// One series of a line or column chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per x bucket (f64 for geometry only; the labels carry the exact numbers).
    pub values: Vec<f64>,
    /// The exact, formatted value of each bucket, for read-outs and the data table.
    pub labels: Vec<String>,
    /// Colour slot 1–6 (`--chart-N`).
    pub color: u8,
    /// Drawn dashed (the previous period).
    pub dashed: bool,
}
