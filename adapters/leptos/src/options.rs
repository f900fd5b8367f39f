//! [`HookOptions`]: what the hooks take as options, a plain value or a signal.

use leptos::prelude::*;

use crate::{UseAuthOptions, UseConnectUiOptions};

/// Options a hook takes: a plain value, handed to the core once, or a local signal of options
/// (`Signal`, `ReadSignal`, `RwSignal`, `Memo` with `LocalStorage`, their `Arc` forms, e.g.
/// `Signal::derive_local(move || …)`: what converts into `Signal<T, LocalStorage>`), handed to
/// the core now and whenever it changes.
///
/// A plain value links no effect and no signal code into the app (issue 27); a signal gets an
/// effect, stopped on cleanup.
pub trait HookOptions<T>: Sized {
    /// Calls `apply` with the options now and, for a signal, whenever they change.
    #[doc(hidden)]
    fn watch(self, apply: impl Fn(&T) + Send + Sync + 'static);
}

impl HookOptions<UseConnectUiOptions> for UseConnectUiOptions {
    fn watch(self, apply: impl Fn(&Self) + Send + Sync + 'static) {
        apply(&self);
    }
}

impl HookOptions<UseAuthOptions> for UseAuthOptions {
    fn watch(self, apply: impl Fn(&Self) + Send + Sync + 'static) {
        apply(&self);
    }
}

/// For every signal type that converts into a local `Signal`.
macro_rules! signals {
    ($($ty:ty),*) => {$(
        impl<T: 'static> HookOptions<T> for $ty
        where
            Signal<T, LocalStorage>: From<$ty>,
        {
            fn watch(self, apply: impl Fn(&T) + Send + Sync + 'static) {
                let options = Signal::<T, LocalStorage>::from(self);
                let effect = ImmediateEffect::new_isomorphic(move || options.with(&apply));
                on_cleanup(move || drop(effect));
            }
        }
    )*};
}

signals!(
    Signal<T, LocalStorage>,
    ReadSignal<T, LocalStorage>,
    ArcReadSignal<T>,
    RwSignal<T, LocalStorage>,
    ArcRwSignal<T>,
    Memo<T, LocalStorage>,
    ArcMemo<T, LocalStorage>
);
