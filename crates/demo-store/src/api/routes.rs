//! The route table: method + `/V1/...` segments to a route and its ACL resource (§2 of the
//! contract). Literal segments win over `{param}` ones, as `carts/search` over `carts/{id}`.

use axum::http::Method;

/// No ACL check: `anonymous` routes.
pub const ANONYMOUS: &str = "anonymous";

/// Reserved for customer tokens: the demo store issues none, so these routes always refuse.
pub const SELF: &str = "self";

/// A cart as a route names it: admin routes by entity id, guest routes by masked id.
#[derive(Clone, Debug, PartialEq)]
pub enum CartRef {
    Id(String),
    Mask(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    AdminToken,
    TfaGoogle,
    CustomersSearch,
    CustomerGet(String),
    CustomerCreate,
    CustomerPut(String),
    CustomerDelete(String),
    CustomerAddressGet(String),
    CustomerDefaultAddress(String, bool),
    AddressDelete(String),
    IsEmailAvailable,
    CartsSearch,
    CartsMine,
    CartGet(CartRef),
    CartCreate,
    GuestCartCreate,
    CustomerCartCreate(String),
    CartAssign(String),
    CartItems(CartRef),
    CartItemAdd(CartRef),
    CartItemUpdate(CartRef, String),
    CartItemDelete(CartRef, String),
    BillingAddressGet(CartRef),
    BillingAddressSet(CartRef),
    EstimateShipping(CartRef),
    EstimateShippingByAddressId(String),
    ShippingMethods(CartRef),
    ShippingInformation(CartRef),
    TotalsInformation(CartRef),
    PaymentMethods(CartRef),
    SelectedPaymentGet(CartRef),
    SelectedPaymentSet(CartRef),
    PaymentInformation(CartRef),
    CouponGet(String),
    CouponSet(String, String),
    CouponDelete(String),
    Totals(CartRef),
    PlaceOrder(CartRef),
    OrdersSearch,
    OrderGet(String),
    OrderComments(String),
    OrderCancel(String),
    OrderHold(String),
    OrderUnhold(String),
    OrderRefund(String),
    CreditMemosSearch,
    CreditMemoGet(String),
    CreditMemoComments(String),
    Websites,
    StoreGroups,
    StoreViews,
    StoreConfigs,
    CustomerGroupsSearch,
    CustomerGroupDefault,
    CustomerGroupGet(String),
    Countries,
    CountryGet(String),
    Currency,
    ProductsSearch,
    ProductGet(String),
    AttributesSearch,
    AttributeGet(String),
    AttributeOptions(String),
    SubscribersSearch,
    SubscriberPut(String),
}

/// The cart routes that admin (`carts/{id}`) and guest (`guest-carts/{mask}`) share.
fn shared_cart_route(
    method: &Method,
    cart: CartRef,
    rest: &[&str],
    resource: &'static str,
) -> Option<(Route, &'static str)> {
    use Route::*;
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    let put = *method == Method::PUT;
    let delete = *method == Method::DELETE;
    let route = match rest {
        [] if get => CartGet(cart),
        ["items"] if get => CartItems(cart),
        ["items"] if post => CartItemAdd(cart),
        ["items", item] if put => CartItemUpdate(cart, item.to_string()),
        ["items", item] if delete => CartItemDelete(cart, item.to_string()),
        ["billing-address"] if get => BillingAddressGet(cart),
        ["billing-address"] if post => BillingAddressSet(cart),
        ["estimate-shipping-methods"] if post => EstimateShipping(cart),
        ["shipping-methods"] if get => ShippingMethods(cart),
        ["shipping-information"] if post => ShippingInformation(cart),
        ["totals-information"] if post => TotalsInformation(cart),
        ["payment-methods"] if get => PaymentMethods(cart),
        ["selected-payment-method"] if get => SelectedPaymentGet(cart),
        ["selected-payment-method"] if put => SelectedPaymentSet(cart),
        ["totals"] if get => Totals(cart),
        ["order"] if put => PlaceOrder(cart),
        _ => return None,
    };
    Some((route, resource))
}

/// Matches `segments` (after `V1`) for `method`.
pub fn match_route(method: &Method, segments: &[&str]) -> Option<(Route, &'static str)> {
    use Route::*;
    let s = |i: usize| segments[i].to_string();
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    let put = *method == Method::PUT;
    let delete = *method == Method::DELETE;
    const CUSTOMER: &str = "Magento_Customer::customer";
    const MANAGE: &str = "Magento_Customer::manage";
    const CART: &str = "Magento_Cart::manage";
    const SALES: &str = "Magento_Sales::actions_view";
    const MEMO: &str = "Magento_Sales::sales_creditmemo";
    const STORE: &str = "Magento_Backend::store";
    const GROUP: &str = "Magento_Customer::group";
    const PRODUCTS: &str = "Magento_Catalog::products";
    const ATTRIBUTES: &str = "Magento_Catalog::attributes_attributes";
    const NEWSLETTER: &str = "Magento_Newsletter::subscriber";
    Some(match segments {
        ["integration", "admin", "token"] if post => (AdminToken, ANONYMOUS),
        ["tfa", "provider", "google", "authenticate"] if post => (TfaGoogle, ANONYMOUS),

        ["customers", "search"] if get => (CustomersSearch, CUSTOMER),
        ["customers", "isEmailAvailable"] if post => (IsEmailAvailable, ANONYMOUS),
        ["customers", "addresses", _] if get => (CustomerAddressGet(s(2)), MANAGE),
        ["customers"] if post => (CustomerCreate, ANONYMOUS),
        ["customers", _] if get => (CustomerGet(s(1)), CUSTOMER),
        ["customers", _] if put => (CustomerPut(s(1)), MANAGE),
        ["customers", _] if delete => (CustomerDelete(s(1)), MANAGE),
        ["customers", _, "billingAddress"] if get => (CustomerDefaultAddress(s(1), true), MANAGE),
        ["customers", _, "shippingAddress"] if get => (CustomerDefaultAddress(s(1), false), MANAGE),
        ["customers", _, "carts"] if post => (CustomerCartCreate(s(1)), CART),
        ["addresses", _] if delete => (AddressDelete(s(1)), MANAGE),

        // `carts/mine/*` act for the customer of a customer token.
        ["carts", "mine", ..] => (CartsMine, SELF),
        ["carts", "search"] if get => (CartsSearch, CART),
        ["carts"] if post => (CartCreate, CART),
        ["carts", _] if put => (CartAssign(s(1)), CART),
        ["carts", _, "estimate-shipping-methods-by-address-id"] if post => {
            (EstimateShippingByAddressId(s(1)), CART)
        }
        ["carts", _, "coupons"] if get => (CouponGet(s(1)), CART),
        ["carts", _, "coupons"] if delete => (CouponDelete(s(1)), CART),
        ["carts", _, "coupons", _] if put => (CouponSet(s(1), s(3)), CART),
        ["carts", id, rest @ ..] => {
            return shared_cart_route(method, CartRef::Id(id.to_string()), rest, CART);
        }

        ["guest-carts"] if post => (GuestCartCreate, ANONYMOUS),
        ["guest-carts", _, "payment-information"] if post => {
            (PaymentInformation(CartRef::Mask(s(1))), ANONYMOUS)
        }
        ["guest-carts", mask, rest @ ..] => {
            return shared_cart_route(method, CartRef::Mask(mask.to_string()), rest, ANONYMOUS);
        }

        ["orders"] if get => (OrdersSearch, SALES),
        ["orders", _] if get => (OrderGet(s(1)), SALES),
        ["orders", _, "comments"] if get => (OrderComments(s(1)), SALES),
        ["orders", _, "cancel"] if post => (OrderCancel(s(1)), "Magento_Sales::cancel"),
        ["orders", _, "hold"] if post => (OrderHold(s(1)), "Magento_Sales::hold"),
        ["orders", _, "unhold"] if post => (OrderUnhold(s(1)), "Magento_Sales::unhold"),
        ["order", _, "refund"] if post => (OrderRefund(s(1)), "Magento_Sales::creditmemo"),
        ["creditmemos"] if get => (CreditMemosSearch, MEMO),
        ["creditmemo", _] if get => (CreditMemoGet(s(1)), MEMO),
        ["creditmemo", _, "comments"] if get => (CreditMemoComments(s(1)), MEMO),

        ["store", "websites"] if get => (Websites, STORE),
        ["store", "storeGroups"] if get => (StoreGroups, STORE),
        ["store", "storeViews"] if get => (StoreViews, STORE),
        ["store", "storeConfigs"] if get => (StoreConfigs, STORE),
        ["customerGroups", "search"] if get => (CustomerGroupsSearch, GROUP),
        ["customerGroups", "default"] if get => (CustomerGroupDefault, GROUP),
        ["customerGroups", "default", _] if get => (CustomerGroupDefault, GROUP),
        ["customerGroups", _] if get => (CustomerGroupGet(s(1)), GROUP),
        ["directory", "countries"] if get => (Countries, ANONYMOUS),
        ["directory", "countries", _] if get => (CountryGet(s(2)), ANONYMOUS),
        ["directory", "currency"] if get => (Currency, ANONYMOUS),

        ["products"] if get => (ProductsSearch, PRODUCTS),
        ["products", "attributes"] if get => (AttributesSearch, ATTRIBUTES),
        ["products", "attributes", _] if get => (AttributeGet(s(2)), ATTRIBUTES),
        ["products", "attributes", _, "options"] if get => (AttributeOptions(s(2)), ATTRIBUTES),
        ["products", _] if get => (ProductGet(s(1)), PRODUCTS),

        ["cartwise", "newsletter-subscribers", "search"] if get => (SubscribersSearch, NEWSLETTER),
        ["cartwise", "newsletter-subscribers", _] if put => (SubscriberPut(s(2)), NEWSLETTER),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win() {
        assert_eq!(
            match_route(&Method::GET, &["carts", "search"]).unwrap().0,
            Route::CartsSearch
        );
        assert_eq!(
            match_route(&Method::GET, &["carts", "7"]).unwrap().0,
            Route::CartGet(CartRef::Id("7".into()))
        );
        assert_eq!(
            match_route(&Method::PUT, &["guest-carts", "abc", "order"]).unwrap(),
            (Route::PlaceOrder(CartRef::Mask("abc".into())), ANONYMOUS)
        );
        assert_eq!(
            match_route(&Method::GET, &["carts", "mine", "items"]).unwrap(),
            (Route::CartsMine, SELF)
        );
        assert_eq!(
            match_route(&Method::GET, &["products", "attributes", "color"])
                .unwrap()
                .0,
            Route::AttributeGet("color".into())
        );
        assert_eq!(
            match_route(&Method::GET, &["orders"]).unwrap().1,
            "Magento_Sales::actions_view"
        );
        assert!(match_route(&Method::DELETE, &["orders", "1"]).is_none());
        assert_eq!(
            match_route(&Method::PUT, &["cartwise", "newsletter-subscribers", "12"]).unwrap(),
            (
                Route::SubscriberPut("12".into()),
                "Magento_Newsletter::subscriber"
            )
        );
    }
}
