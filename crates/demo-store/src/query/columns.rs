//! Filterable columns: the DB column names of each Magento collection (not DTO names), with
//! the type MySQL compares them as. Unknown names are an SQL error in Magento, hence a 500.

use rust_decimal::Decimal;

use super::value::{Kind, Val};
use crate::model::{Catalog, Customer, CustomerGroup, Product, ProductAttribute, Subscriber};
use crate::store::Row;

/// A table the search executor can filter and sort.
pub trait Searchable: Row {
    type Col: Copy + Eq + std::fmt::Debug;
    fn column(name: &str) -> Option<(Self::Col, Kind)>;
    /// The primary key column (`entity_id`, `subscriber_id`).
    const ID: Self::Col;
    /// The column indexed with the id for keyset paging, if any.
    const UPDATED: Option<Self::Col>;
    fn value<'a>(&'a self, col: Self::Col, catalog: &'a Catalog) -> Val<'a>;
}

/// Declares a column enum with its DB names and kinds.
macro_rules! columns {
    ($name:ident { $($variant:ident = $($col:literal)|+ : $kind:ident),* $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($variant),* }

        impl $name {
            pub fn parse(name: &str) -> Option<($name, Kind)> {
                match name {
                    $($($col)|+ => Some(($name::$variant, Kind::$kind)),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use columns;

columns!(CustomerCol {
    EntityId = "entity_id": Int,
    WebsiteId = "website_id": Int,
    Email = "email": Str,
    GroupId = "group_id": Int,
    IncrementId = "increment_id": Str,
    StoreId = "store_id": Int,
    CreatedAt = "created_at": Date,
    UpdatedAt = "updated_at": Date,
    IsActive = "is_active": Int,
    DisableAutoGroupChange = "disable_auto_group_change": Int,
    CreatedIn = "created_in": Str,
    Prefix = "prefix": Str,
    Firstname = "firstname": Str,
    Middlename = "middlename": Str,
    Lastname = "lastname": Str,
    Suffix = "suffix": Str,
    Dob = "dob": Date,
    DefaultBilling = "default_billing": Int,
    DefaultShipping = "default_shipping": Int,
    Taxvat = "taxvat": Str,
    Confirmation = "confirmation": Str,
    Gender = "gender": Int,
    BillingPostcode = "billing_postcode": Str,
    BillingCity = "billing_city": Str,
    BillingTelephone = "billing_telephone": Str,
    BillingRegion = "billing_region": Str,
    BillingCountryId = "billing_country_id": Str,
    BillingCompany = "billing_company" | "company": Str,
});

impl Searchable for Customer {
    type Col = CustomerCol;
    const ID: CustomerCol = CustomerCol::EntityId;
    const UPDATED: Option<CustomerCol> = Some(CustomerCol::UpdatedAt);

    fn column(name: &str) -> Option<(CustomerCol, Kind)> {
        CustomerCol::parse(name)
    }

    fn value<'a>(&'a self, col: CustomerCol, catalog: &'a Catalog) -> Val<'a> {
        use CustomerCol::*;
        let billing = self.default_billing_address().map(|a| &*a.postal);
        match col {
            EntityId => Val::Int(self.id as i64),
            WebsiteId => Val::Int(self.website_id as i64),
            Email => Val::str(&self.email),
            GroupId => Val::Int(self.group_id as i64),
            IncrementId => Val::Null,
            StoreId => Val::Int(self.store_id as i64),
            CreatedAt => Val::Date(self.created_at),
            UpdatedAt => Val::Date(self.updated_at),
            IsActive => Val::Int(1),
            DisableAutoGroupChange => Val::Int(self.disable_auto_group_change as i64),
            CreatedIn => Val::opt_str(catalog.store_view(self.store_id).map(|s| &*s.name)),
            Prefix => Val::opt_str(self.prefix.as_deref()),
            Firstname => Val::str(&self.firstname),
            Middlename => Val::opt_str(self.middlename.as_deref()),
            Lastname => Val::str(&self.lastname),
            Suffix => Val::opt_str(self.suffix.as_deref()),
            Dob => self
                .dob
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| Val::Date(crate::clock::Ts::from_datetime(d.and_utc())))
                .unwrap_or(Val::Null),
            DefaultBilling => Val::opt_int(self.default_billing.map(i64::from)),
            DefaultShipping => Val::opt_int(self.default_shipping.map(i64::from)),
            Taxvat => Val::opt_str(self.taxvat.as_deref()),
            Confirmation => Val::opt_str(self.confirmation.as_deref()),
            Gender => Val::opt_int(self.gender.map(i64::from)),
            BillingPostcode => Val::opt_str(billing.map(|p| &*p.postcode)),
            BillingCity => Val::opt_str(billing.map(|p| &*p.city)),
            BillingTelephone => Val::opt_str(billing.map(|p| &*p.telephone)),
            BillingRegion => Val::opt_str(billing.and_then(|p| catalog.region_parts(p).0)),
            BillingCountryId => Val::opt_str(billing.map(|p| &*p.country_id)),
            BillingCompany => Val::opt_str(billing.and_then(|p| p.company.as_deref())),
        }
    }
}

columns!(SubscriberCol {
    SubscriberId = "subscriber_id": Int,
    StoreId = "store_id": Int,
    ChangeStatusAt = "change_status_at": Date,
    CustomerId = "customer_id": Int,
    SubscriberEmail = "subscriber_email": Str,
    SubscriberStatus = "subscriber_status": Int,
    SubscriberConfirmCode = "subscriber_confirm_code": Str,
});

impl Searchable for Subscriber {
    type Col = SubscriberCol;
    const ID: SubscriberCol = SubscriberCol::SubscriberId;
    const UPDATED: Option<SubscriberCol> = Some(SubscriberCol::ChangeStatusAt);

    fn column(name: &str) -> Option<(SubscriberCol, Kind)> {
        SubscriberCol::parse(name)
    }

    fn value<'a>(&'a self, col: SubscriberCol, _: &'a Catalog) -> Val<'a> {
        use SubscriberCol::*;
        match col {
            SubscriberId => Val::Int(self.id as i64),
            StoreId => Val::Int(self.store_id as i64),
            ChangeStatusAt => self.change_status_at.map(Val::Date).unwrap_or(Val::Null),
            CustomerId => Val::Int(self.customer_id as i64),
            SubscriberEmail => Val::str(&self.email),
            SubscriberStatus => Val::Int(self.status.code()),
            SubscriberConfirmCode => Val::opt_str(self.confirm_code.as_deref()),
        }
    }
}

columns!(ProductCol {
    EntityId = "entity_id": Int,
    Sku = "sku": Str,
    Name = "name": Str,
    Price = "price": Dec,
    TypeId = "type_id": Str,
    Status = "status": Int,
    Visibility = "visibility": Int,
    AttributeSetId = "attribute_set_id": Int,
    CreatedAt = "created_at": Date,
    UpdatedAt = "updated_at": Date,
    Weight = "weight": Dec,
    HasOptions = "has_options": Int,
});

impl Searchable for Product {
    type Col = ProductCol;
    const ID: ProductCol = ProductCol::EntityId;
    const UPDATED: Option<ProductCol> = Some(ProductCol::UpdatedAt);

    fn column(name: &str) -> Option<(ProductCol, Kind)> {
        ProductCol::parse(name)
    }

    fn value<'a>(&'a self, col: ProductCol, _: &'a Catalog) -> Val<'a> {
        use ProductCol::*;
        match col {
            EntityId => Val::Int(self.id as i64),
            Sku => Val::str(&self.sku),
            Name => Val::str(&self.name),
            Price => Val::Dec(self.price),
            TypeId => Val::str(self.type_id.as_str()),
            Status => Val::Int(self.status as i64),
            Visibility => Val::Int(self.visibility as i64),
            AttributeSetId => Val::Int(self.attribute_set_id as i64),
            CreatedAt => Val::Date(self.created_at),
            UpdatedAt => Val::Date(self.updated_at),
            Weight => Val::Dec(self.weight),
            HasOptions => Val::Int(!self.children.is_empty() as i64),
        }
    }
}

columns!(GroupCol {
    Id = "customer_group_id" | "id": Int,
    Code = "customer_group_code" | "code": Str,
    TaxClassId = "tax_class_id": Int,
    TaxClassName = "class_name" | "tax_class_name": Str,
});

impl Searchable for CustomerGroup {
    type Col = GroupCol;
    const ID: GroupCol = GroupCol::Id;
    const UPDATED: Option<GroupCol> = None;

    fn column(name: &str) -> Option<(GroupCol, Kind)> {
        GroupCol::parse(name)
    }

    fn value<'a>(&'a self, col: GroupCol, _: &'a Catalog) -> Val<'a> {
        match col {
            GroupCol::Id => Val::Int(self.id as i64),
            GroupCol::Code => Val::str(&self.code),
            GroupCol::TaxClassId => Val::Int(self.tax_class_id as i64),
            GroupCol::TaxClassName => Val::str(&self.tax_class_name),
        }
    }
}

columns!(AttributeCol {
    Id = "attribute_id": Int,
    Code = "attribute_code": Str,
    FrontendInput = "frontend_input": Str,
    Label = "frontend_label" | "default_frontend_label": Str,
    EntityTypeId = "entity_type_id": Int,
    BackendType = "backend_type": Str,
    IsRequired = "is_required": Int,
    IsUserDefined = "is_user_defined": Int,
});

impl Searchable for ProductAttribute {
    type Col = AttributeCol;
    const ID: AttributeCol = AttributeCol::Id;
    const UPDATED: Option<AttributeCol> = None;

    fn column(name: &str) -> Option<(AttributeCol, Kind)> {
        AttributeCol::parse(name)
    }

    fn value<'a>(&'a self, col: AttributeCol, _: &'a Catalog) -> Val<'a> {
        match col {
            AttributeCol::Id => Val::Int(self.id as i64),
            AttributeCol::Code => Val::str(&self.code),
            AttributeCol::FrontendInput => Val::str("select"),
            AttributeCol::Label => Val::str(&self.label),
            AttributeCol::EntityTypeId => Val::Int(4),
            AttributeCol::BackendType => Val::str("int"),
            AttributeCol::IsRequired => Val::Int(0),
            AttributeCol::IsUserDefined => Val::Int(1),
        }
    }
}

/// Decimal column helper for the sales tables.
pub(super) fn dec<'a>(v: Decimal) -> Val<'a> {
    Val::Dec(v)
}
