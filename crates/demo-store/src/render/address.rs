//! The three address shapes: customer (region object), quote (flat strings, required keys
//! emitted as null) and order (`address_type`, `parent_id`).

use crate::json::JsonWriter;
use crate::model::{Catalog, Postal};

pub fn region_parts<'a>(
    catalog: &'a Catalog,
    p: &'a Postal,
) -> (Option<&'a str>, Option<&'a str>, u32) {
    catalog.region_parts(p)
}

pub fn write_street(w: &mut JsonWriter<'_>, p: &Postal) {
    w.key("street");
    w.begin_array();
    for line in &p.street {
        w.str(line);
    }
    w.end_array();
}

/// Fields common to quote and order addresses, in Magento's order.
pub fn write_flat_postal(
    w: &mut JsonWriter<'_>,
    catalog: &Catalog,
    p: &Postal,
    required_nulls: bool,
) {
    let (name, code, id) = region_parts(catalog, p);
    if required_nulls {
        w.f_req_str("region", name);
        if id == 0 {
            w.f_null("region_id")
        } else {
            w.f_int("region_id", id as i64)
        }
        w.f_req_str("region_code", code);
    } else {
        w.f_opt_str("region", name);
        w.f_opt_str("region_code", code);
        if id != 0 {
            w.f_int("region_id", id as i64);
        }
    }
    w.f_str("country_id", &p.country_id);
    write_street(w, p);
    w.f_opt_str("company", p.company.as_deref());
    w.f_str("telephone", &p.telephone);
    w.f_str("postcode", &p.postcode);
    w.f_str("city", &p.city);
    w.f_str("firstname", &p.firstname);
    w.f_str("lastname", &p.lastname);
    w.f_opt_str("vat_id", p.vat_id.as_deref());
}

/// An empty quote address row: every quote has one, its required keys come back null.
pub fn write_empty_quote_address(w: &mut JsonWriter<'_>, id: i64, email: Option<&str>) {
    w.begin_object();
    w.f_int("id", id);
    for key in ["region", "region_id", "region_code", "country_id"] {
        w.f_null(key);
    }
    w.key("street");
    w.begin_array();
    w.str("");
    w.end_array();
    for key in ["telephone", "postcode", "city", "firstname", "lastname"] {
        w.f_null(key);
    }
    w.f_req_str("email", email);
    w.f_int("same_as_billing", 0);
    w.f_int("save_in_address_book", 0);
    w.end_object();
}
