//! Resources: data a page loads from a server function, rendered on the server and handed to
//! the browser inside the HTML.
//!
//! Why not `Resource::new`: the browser's WASM would then hold a full copy of the resource
//! machinery (memo, async derived, hydration, serialization) per value type, source type and
//! fetcher, about a tenth of the bundle for the app's thirty resources. [`Data`] runs every
//! resource through one instance: its source and fetcher are type-erased, and the value it
//! holds is a [`Wire`], decoded to `T` once, on the first read. Values travel in `domain::wire`'s
//! format, the one server function replies use (`output = Postcard`), so the browser holds one
//! small decoder per type for both paths.

use domain::AppError;
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::Any;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

/// A resource of `T`: loads `fetcher(source())`, reloads when `source` changes, and is read by
/// awaiting it (inside `Suspense` or `Transition`).
pub struct Data<T> {
    raw: Resource<Wire, WireCodec>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Data<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Data<T> {}

/// Loads `fetcher(source())` and reloads it whenever `source` changes (see `Resource::new`).
#[track_caller]
pub fn data<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Data<T>
where
    T: Value,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Data::new_with_options(source, fetcher, false)
}

impl<T: Value> Data<T> {
    /// As [`data`]; a `blocking` resource holds the whole response until it has loaded.
    #[track_caller]
    pub fn new_with_options<S, Fut>(
        source: impl Fn() -> S + Send + Sync + 'static,
        fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
        blocking: bool,
    ) -> Self
    where
        S: PartialEq + Clone + Send + Sync + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let source: ErasedSource = Box::new(move || Key(Arc::new(source())));
        let fetcher: ErasedFetcher = Box::new(move |key: Key| {
            let fetched = key.get::<S>().cloned().map(&fetcher);
            Box::pin(async move {
                Wire::new(match fetched {
                    Some(fetched) => fetched.await,
                    None => T::unreadable("the resource's source changed its type".into()),
                })
            })
        });
        Data {
            raw: erased(source, fetcher, blocking),
            ty: PhantomData,
        }
    }

    /// Loads again with the same source.
    pub fn refetch(&self) {
        self.raw.refetch();
    }
}

impl<T: Value> IntoFuture for Data<T> {
    type Output = T;
    type IntoFuture =
        futures::future::Map<<Resource<Wire, WireCodec> as IntoFuture>::IntoFuture, fn(Wire) -> T>;

    fn into_future(self) -> Self::IntoFuture {
        use futures::FutureExt;
        self.raw.into_future().map(Wire::read::<T> as fn(Wire) -> T)
    }
}

/// What a resource can hold: a value the server encodes and the browser decodes, with a
/// stand-in for a value that cannot be read.
pub trait Value: Clone + Serialize + DeserializeOwned + Send + Sync + 'static {
    fn unreadable(reason: String) -> Self;
}

impl<T> Value for Result<T, AppError>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    fn unreadable(reason: String) -> Self {
        Err(AppError::Transport(format!(
            "The server's answer could not be read ({reason}). Reload the page."
        )))
    }
}

impl<T> Value for Vec<T>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// Lists that are optional to a page (saved views) are empty then.
    fn unreadable(_: String) -> Self {
        Vec::new()
    }
}

/// The erased source: its value, compared with the previous one to decide on a reload.
#[derive(Clone)]
struct Key(Arc<dyn SourceValue>);

impl Key {
    fn get<S: 'static>(&self) -> Option<&S> {
        self.0.as_any().downcast_ref()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.same_as(&*other.0)
    }
}

trait SourceValue: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn same_as(&self, other: &dyn SourceValue) -> bool;
}

impl<S: PartialEq + Send + Sync + 'static> SourceValue for S {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same_as(&self, other: &dyn SourceValue) -> bool {
        other.as_any().downcast_ref::<S>() == Some(self)
    }
}

type ErasedSource = Box<dyn Fn() -> Key + Send + Sync>;
type ErasedFetcher = Box<dyn Fn(Key) -> Pin<Box<dyn Future<Output = Wire> + Send>> + Send + Sync>;

/// The one resource instance every [`Data`] goes through (not generic on purpose).
#[track_caller]
fn erased(
    source: ErasedSource,
    fetcher: ErasedFetcher,
    blocking: bool,
) -> Resource<Wire, WireCodec> {
    Resource::new_with_options(source, fetcher, blocking)
}

/// A resource's value: fetched here as a `T`, or carried in the server-rendered page as text
/// and decoded on the first read.
#[derive(Clone)]
pub struct Wire(Arc<Held>);

struct Held {
    text: Option<String>,
    value: OnceLock<Arc<dyn Any + Send + Sync>>,
    /// Writes the value into the page (only the server does).
    #[cfg(feature = "ssr")]
    encode: fn(&(dyn Any + Send + Sync)) -> Option<String>,
}

impl Wire {
    fn new<T: Value>(value: T) -> Self {
        let held = Held {
            text: None,
            value: OnceLock::from(Arc::new(value) as Arc<dyn Any + Send + Sync>),
            #[cfg(feature = "ssr")]
            encode: |value| {
                let value = value.downcast_ref::<T>()?;
                domain::wire::to_text(value).ok()
            },
        };
        Wire(Arc::new(held))
    }

    fn from_text(text: &str) -> Self {
        Wire(Arc::new(Held {
            text: Some(text.to_owned()),
            value: OnceLock::new(),
            #[cfg(feature = "ssr")]
            encode: |_| None,
        }))
    }

    fn read<T: Value>(self) -> T {
        let held = &self.0;
        let value = held.value.get_or_init(|| {
            let decoded = match held.text.as_deref() {
                Some(text) => domain::wire::from_text::<T>(text)
                    .unwrap_or_else(|e| T::unreadable(e.to_string())),
                None => T::unreadable("no value".into()),
            };
            Arc::new(decoded)
        });
        match value.downcast_ref::<T>() {
            Some(value) => value.clone(),
            None => T::unreadable("a value of another type".into()),
        }
    }
}

/// Carries a [`Wire`] in the page as `domain::wire` text.
pub struct WireCodec;

#[derive(Debug, thiserror::Error)]
#[error("this value cannot be written into the page")]
pub struct NotEncodable;

impl Encoder<Wire> for WireCodec {
    type Error = NotEncodable;
    type Encoded = String;

    fn encode(wire: &Wire) -> Result<String, NotEncodable> {
        #[cfg(feature = "ssr")]
        {
            if let Some(text) = &wire.0.text {
                return Ok(text.clone());
            }
            let value = wire.0.value.get().ok_or(NotEncodable)?;
            (wire.0.encode)(&**value).ok_or(NotEncodable)
        }
        #[cfg(not(feature = "ssr"))]
        {
            let _ = wire;
            Err(NotEncodable)
        }
    }
}

impl Decoder<Wire> for WireCodec {
    type Error = std::convert::Infallible;
    type Encoded = str;

    fn decode(text: &str) -> Result<Wire, Self::Error> {
        Ok(Wire::from_text(text))
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    type Reply = Result<Vec<(String, i64)>, AppError>;

    #[test]
    fn values_cross_the_page_and_read_back() {
        let value: Reply = Ok(vec![("a\"b".into(), -3)]);
        let text = <WireCodec as Encoder<_>>::encode(&Wire::new(value.clone())).unwrap();
        let wire = <WireCodec as Decoder<Wire>>::decode(&text).unwrap();
        assert_eq!(wire.clone().read::<Reply>(), value);
        // Read again: the decoded value is kept.
        assert_eq!(wire.read::<Reply>(), value);
    }

    #[test]
    fn an_unreadable_page_value_is_an_error_to_show_not_a_panic() {
        let wire = <WireCodec as Decoder<Wire>>::decode("{").unwrap();
        assert!(matches!(wire.read::<Reply>(), Err(AppError::Transport(_))));
        let wire = <WireCodec as Decoder<Wire>>::decode("not base64!").unwrap();
        assert_eq!(wire.read::<Vec<String>>(), Vec::<String>::new());
    }

    #[test]
    fn sources_compare_by_value_and_type() {
        let a = Key(Arc::new((1_i64, "x".to_string())));
        let b = Key(Arc::new((1_i64, "x".to_string())));
        let c = Key(Arc::new((2_i64, "x".to_string())));
        let d = Key(Arc::new(1_i64));
        assert!(a == b);
        assert!(a != c);
        assert!(a != d);
        assert_eq!(a.get::<(i64, String)>(), Some(&(1, "x".to_string())));
        assert_eq!(a.get::<i64>(), None);
    }
}
