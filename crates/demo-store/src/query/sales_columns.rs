//! Filterable columns of `quote`, `sales_order` and `sales_creditmemo`.

use std::borrow::Cow;

use super::columns::{Searchable, columns, dec};
use super::value::{Kind, Val};
use crate::model::{Cart, Catalog, CreditMemo, Order, OrderState};
use crate::pricing;
use crate::render::order_remote_ip;

columns!(CartCol {
    EntityId = "entity_id": Int,
    StoreId = "store_id": Int,
    CreatedAt = "created_at": Date,
    UpdatedAt = "updated_at": Date,
    ConvertedAt = "converted_at": Date,
    IsActive = "is_active": Int,
    IsVirtual = "is_virtual": Int,
    IsMultiShipping = "is_multi_shipping": Int,
    ItemsCount = "items_count": Int,
    ItemsQty = "items_qty": Dec,
    OrigOrderId = "orig_order_id": Int,
    BaseCurrencyCode = "base_currency_code" | "store_currency_code" | "quote_currency_code" | "global_currency_code": Str,
    GrandTotal = "grand_total" | "base_grand_total": Dec,
    Subtotal = "subtotal" | "base_subtotal": Dec,
    SubtotalWithDiscount = "subtotal_with_discount" | "base_subtotal_with_discount": Dec,
    CheckoutMethod = "checkout_method": Str,
    CustomerId = "customer_id": Int,
    CustomerTaxClassId = "customer_tax_class_id": Int,
    CustomerGroupId = "customer_group_id": Int,
    CustomerEmail = "customer_email": Str,
    CustomerFirstname = "customer_firstname": Str,
    CustomerLastname = "customer_lastname": Str,
    CustomerNullText = "customer_prefix" | "customer_middlename" | "customer_suffix" | "customer_note" | "customer_taxvat": Str,
    CustomerDob = "customer_dob": Date,
    CustomerGender = "customer_gender": Int,
    CustomerNoteNotify = "customer_note_notify": Int,
    CustomerIsGuest = "customer_is_guest": Int,
    RemoteIp = "remote_ip": Str,
    AppliedRuleIds = "applied_rule_ids": Str,
    ReservedOrderId = "reserved_order_id": Str,
    CouponCode = "coupon_code": Str,
    ZeroFlag = "trigger_recollect" | "is_changed" | "is_persistent": Int,
});

impl Searchable for Cart {
    type Col = CartCol;
    const ID: CartCol = CartCol::EntityId;
    const UPDATED: Option<CartCol> = Some(CartCol::UpdatedAt);

    fn column(name: &str) -> Option<(CartCol, Kind)> {
        CartCol::parse(name)
    }

    fn value<'a>(&'a self, col: CartCol, catalog: &'a Catalog) -> Val<'a> {
        use CartCol::*;
        let totals = || pricing::cart_totals(self, catalog);
        match col {
            EntityId => Val::Int(self.id as i64),
            StoreId => Val::Int(self.store_id as i64),
            CreatedAt => Val::Date(self.created_at),
            UpdatedAt => Val::Date(self.updated_at),
            ConvertedAt => Val::Null,
            IsActive => Val::Int(self.is_active as i64),
            IsVirtual | IsMultiShipping | OrigOrderId | ZeroFlag => Val::Int(0),
            ItemsCount => Val::Int(self.items.len() as i64),
            ItemsQty => dec(self.items_qty().into()),
            BaseCurrencyCode => Val::str(&catalog.website_of_store(self.store_id).currency),
            GrandTotal => dec(totals().grand_total),
            Subtotal => dec(totals().subtotal),
            SubtotalWithDiscount => {
                let t = totals();
                dec(t.subtotal + t.discount)
            }
            CheckoutMethod => Val::opt_str(
                self.order_id
                    .map(|_| if self.is_guest() { "guest" } else { "customer" }),
            ),
            CustomerId => Val::opt_int(self.customer_id.map(i64::from)),
            CustomerTaxClassId => Val::Int(3),
            CustomerGroupId => Val::Int(self.customer_group_id as i64),
            CustomerEmail => Val::opt_str(self.customer_email.as_deref()),
            CustomerFirstname => Val::opt_str(self.customer_firstname.as_deref()),
            CustomerLastname => Val::opt_str(self.customer_lastname.as_deref()),
            CustomerNullText | CustomerDob | CustomerGender => Val::Null,
            CustomerNoteNotify => Val::Int(1),
            CustomerIsGuest => Val::Int(self.is_guest() as i64),
            RemoteIp => Val::Str(Cow::Owned(order_remote_ip(self.id))),
            AppliedRuleIds => Val::opt_str(
                self.coupon_code
                    .as_deref()
                    .and_then(pricing::coupon)
                    .map(|c| rule_text(c.1)),
            ),
            ReservedOrderId => Val::opt_str(self.reserved_order_id.as_deref()),
            CouponCode => Val::opt_str(self.coupon_code.as_deref()),
        }
    }
}

fn rule_text(rule: u32) -> &'static str {
    ["0", "1", "2", "3", "4"]
        .get(rule as usize)
        .copied()
        .unwrap_or("0")
}

columns!(OrderCol {
    EntityId = "entity_id": Int,
    State = "state": Str,
    Status = "status": Str,
    CouponCode = "coupon_code" | "discount_description": Str,
    ProtectCode = "protect_code": Str,
    ShippingDescription = "shipping_description": Str,
    ShippingMethod = "shipping_method": Str,
    IsVirtual = "is_virtual": Int,
    StoreId = "store_id": Int,
    CustomerId = "customer_id": Int,
    DiscountAmount = "discount_amount" | "base_discount_amount": Dec,
    GrandTotal = "grand_total" | "base_grand_total": Dec,
    ShippingAmount = "shipping_amount" | "base_shipping_amount" | "shipping_incl_tax" | "base_shipping_incl_tax": Dec,
    Subtotal = "subtotal" | "base_subtotal": Dec,
    SubtotalInclTax = "subtotal_incl_tax" | "base_subtotal_incl_tax": Dec,
    TaxAmount = "tax_amount" | "base_tax_amount": Dec,
    TotalPaid = "total_paid" | "base_total_paid" | "total_invoiced" | "base_total_invoiced": Dec,
    TotalRefunded = "total_refunded" | "base_total_refunded" | "total_offline_refunded" | "base_total_offline_refunded": Dec,
    TotalCanceled = "total_canceled" | "base_total_canceled": Dec,
    TotalDue = "total_due" | "base_total_due": Dec,
    TotalQtyOrdered = "total_qty_ordered": Dec,
    TotalItemCount = "total_item_count": Int,
    CustomerIsGuest = "customer_is_guest": Int,
    CustomerNoteNotify = "customer_note_notify": Int,
    BillingAddressId = "billing_address_id": Int,
    ShippingAddressId = "shipping_address_id": Int,
    CustomerGroupId = "customer_group_id": Int,
    EmailSent = "email_sent": Int,
    QuoteId = "quote_id": Int,
    IncrementId = "increment_id": Str,
    AppliedRuleIds = "applied_rule_ids": Str,
    CurrencyCode = "base_currency_code" | "global_currency_code" | "order_currency_code" | "store_currency_code": Str,
    CustomerEmail = "customer_email": Str,
    CustomerFirstname = "customer_firstname": Str,
    CustomerLastname = "customer_lastname": Str,
    CustomerNullText = "customer_middlename" | "customer_prefix" | "customer_suffix" | "customer_taxvat": Str,
    CustomerDob = "customer_dob": Date,
    CustomerGender = "customer_gender": Int,
    RemoteIp = "remote_ip": Str,
    StoreName = "store_name": Str,
    CreatedAt = "created_at": Date,
    UpdatedAt = "updated_at": Date,
    Weight = "weight": Dec,
});

impl Searchable for Order {
    type Col = OrderCol;
    const ID: OrderCol = OrderCol::EntityId;
    const UPDATED: Option<OrderCol> = Some(OrderCol::UpdatedAt);

    fn column(name: &str) -> Option<(OrderCol, Kind)> {
        OrderCol::parse(name)
    }

    fn value<'a>(&'a self, col: OrderCol, catalog: &'a Catalog) -> Val<'a> {
        use OrderCol::*;
        let paid = self.state.is_paid();
        match col {
            EntityId => Val::Int(self.id as i64),
            State => Val::str(self.state.as_str()),
            Status => Val::str(self.status),
            CouponCode => Val::opt_str(self.coupon_code.as_deref()),
            ProtectCode => Val::Str(Cow::Owned(format!(
                "{:06x}",
                crate::render::hash32(self.id) & 0xff_ffff
            ))),
            ShippingDescription => Val::Str(Cow::Owned(format!(
                "{} - {}",
                self.shipping_method.carrier_title(),
                self.shipping_method.method_title()
            ))),
            ShippingMethod => Val::Str(Cow::Owned(self.shipping_method.code())),
            IsVirtual => Val::Int(0),
            StoreId => Val::Int(self.store_id as i64),
            CustomerId => Val::opt_int(self.customer_id.map(i64::from)),
            DiscountAmount => dec(self.discount_amount),
            GrandTotal => dec(self.grand_total),
            ShippingAmount => dec(self.shipping_amount),
            Subtotal => dec(self.subtotal),
            SubtotalInclTax => dec(self.subtotal + self.tax_amount),
            TaxAmount => dec(self.tax_amount),
            TotalPaid => {
                if paid {
                    dec(self.total_paid)
                } else {
                    Val::Null
                }
            }
            TotalRefunded => {
                if self.total_refunded.is_zero() {
                    Val::Null
                } else {
                    dec(self.total_refunded)
                }
            }
            TotalCanceled => {
                if self.state == OrderState::Canceled {
                    dec(self.total_canceled)
                } else {
                    Val::Null
                }
            }
            TotalDue => dec(self.total_due()),
            TotalQtyOrdered => dec(self.total_qty_ordered().into()),
            TotalItemCount => Val::Int(self.items.len() as i64),
            CustomerIsGuest => Val::Int(self.customer_is_guest as i64),
            CustomerNoteNotify => Val::Int(1),
            BillingAddressId => Val::Int(self.billing_address_id()),
            ShippingAddressId => Val::Int(self.shipping_address_id()),
            CustomerGroupId => Val::Int(self.customer_group_id as i64),
            EmailSent => Val::Int(self.email_sent as i64),
            QuoteId => Val::Int(self.quote_id as i64),
            IncrementId => Val::Str(Cow::Owned(catalog.increment_id(self.store_id, self.id))),
            AppliedRuleIds => Val::opt_str(
                self.coupon_code
                    .as_deref()
                    .and_then(pricing::coupon)
                    .map(|c| rule_text(c.1)),
            ),
            CurrencyCode => Val::str(&catalog.website_of_store(self.store_id).currency),
            CustomerEmail => Val::str(&self.customer_email),
            CustomerFirstname => Val::str(&self.customer_firstname),
            CustomerLastname => Val::str(&self.customer_lastname),
            CustomerNullText => Val::Null,
            CustomerDob => self
                .customer_dob
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| Val::Date(crate::clock::Ts::from_datetime(d.and_utc())))
                .unwrap_or(Val::Null),
            CustomerGender => Val::opt_int(self.customer_gender.map(i64::from)),
            RemoteIp => Val::Str(Cow::Owned(order_remote_ip(self.quote_id))),
            StoreName => Val::Str(Cow::Owned(catalog.store_name(self.store_id))),
            CreatedAt => Val::Date(self.created_at),
            UpdatedAt => Val::Date(self.updated_at),
            Weight => Val::Null,
        }
    }
}

columns!(MemoCol {
    EntityId = "entity_id": Int,
    StoreId = "store_id": Int,
    OrderId = "order_id": Int,
    State = "state" | "creditmemo_status": Int,
    IncrementId = "increment_id": Str,
    CreatedAt = "created_at": Date,
    UpdatedAt = "updated_at": Date,
    GrandTotal = "grand_total" | "base_grand_total": Dec,
    Subtotal = "subtotal" | "base_subtotal": Dec,
    SubtotalInclTax = "subtotal_incl_tax" | "base_subtotal_incl_tax": Dec,
    TaxAmount = "tax_amount" | "base_tax_amount": Dec,
    ShippingAmount = "shipping_amount" | "base_shipping_amount" | "shipping_incl_tax": Dec,
    DiscountAmount = "discount_amount" | "base_discount_amount": Dec,
    Adjustment = "adjustment" | "base_adjustment": Dec,
    AdjustmentPositive = "adjustment_positive" | "base_adjustment_positive": Dec,
    AdjustmentNegative = "adjustment_negative" | "base_adjustment_negative": Dec,
    EmailSent = "email_sent": Int,
    BillingAddressId = "billing_address_id": Int,
    ShippingAddressId = "shipping_address_id": Int,
    CurrencyCode = "order_currency_code" | "base_currency_code" | "store_currency_code" | "global_currency_code": Str,
    NullRef = "invoice_id" | "transaction_id" | "discount_description": Str,
});

impl Searchable for CreditMemo {
    type Col = MemoCol;
    const ID: MemoCol = MemoCol::EntityId;
    const UPDATED: Option<MemoCol> = Some(MemoCol::UpdatedAt);

    fn column(name: &str) -> Option<(MemoCol, Kind)> {
        MemoCol::parse(name)
    }

    fn value<'a>(&'a self, col: MemoCol, catalog: &'a Catalog) -> Val<'a> {
        use MemoCol::*;
        match col {
            EntityId => Val::Int(self.id as i64),
            StoreId => Val::Int(self.store_id as i64),
            OrderId => Val::Int(self.order_id as i64),
            State => Val::Int(self.state as i64),
            IncrementId => Val::Str(Cow::Owned(catalog.increment_id(self.store_id, self.id))),
            CreatedAt => Val::Date(self.created_at),
            UpdatedAt => Val::Date(self.updated_at),
            GrandTotal => dec(self.grand_total),
            Subtotal => dec(self.subtotal),
            SubtotalInclTax => dec(self.subtotal + self.tax_amount),
            TaxAmount => dec(self.tax_amount),
            ShippingAmount => dec(self.shipping_amount),
            DiscountAmount => dec(self.discount_amount),
            Adjustment => dec(self.adjustment()),
            AdjustmentPositive => dec(self.adjustment_positive),
            AdjustmentNegative => dec(self.adjustment_negative),
            EmailSent => Val::Int(self.email_sent as i64),
            BillingAddressId => Val::Int(self.order_id as i64 * 2),
            ShippingAddressId => Val::Int(self.order_id as i64 * 2 - 1),
            CurrencyCode => Val::str(&catalog.website_of_store(self.store_id).currency),
            NullRef => Val::Null,
        }
    }
}
