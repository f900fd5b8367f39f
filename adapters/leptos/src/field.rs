//! [`HookField`]: one field of a hook's state as a read-only signal.

use std::fmt;
use std::panic::Location;

use leptos::prelude::*;
use leptos::reactive::signal::guards::{Mapped, Plain, ReadGuard};
use nango_frontend::{AuthState, ConnectUiSnapshot};

/// One field of a hook's state ([`UseConnectUiReturn`](crate::UseConnectUiReturn)'s fields,
/// [`UseAuthReturn::state`](crate::UseAuthReturn::state)) as a read-only signal (`Copy`):
/// `.get()`, `.with(..)`, `.read()` and their `_untracked` forms. Tracked like a memo: its
/// readers re-run when this field changes, not when another one does. `.into()` makes a
/// [`Signal`].
///
/// A hook's fields read one signal of what it mirrors of the core, each with its own change
/// trigger: one signal type for every field of both hooks keeps the adapter small (issue 27).
pub struct HookField<T: 'static> {
    pub(crate) snapshot: RwSignal<Mirror>,
    pub(crate) changed: Trigger,
    pub(crate) read: fn(&Mirror) -> &T,
}

/// What a hook mirrors of the core (the Connect UI's snapshot, or the auth state): one type for
/// both hooks, so that an app links the code of one signal type (issue 27). Not nameable.
#[doc(hidden)]
#[derive(Default, Debug)]
pub struct Mirror {
    pub(crate) ui: ConnectUiSnapshot,
    pub(crate) auth: AuthState,
}

impl<T> HookField<T> {
    pub(crate) fn new(snapshot: RwSignal<Mirror>, read: fn(&Mirror) -> &T) -> Self {
        Self { snapshot, changed: Trigger::new(), read }
    }
}

impl<T> Clone for HookField<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for HookField<T> {}

impl<T> fmt::Debug for HookField<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HookField")
    }
}

impl<T> DefinedAt for HookField<T> {
    fn defined_at(&self) -> Option<&'static Location<'static>> {
        None
    }
}

impl<T> Track for HookField<T> {
    fn track(&self) {
        self.changed.track();
    }
}

impl<T> ReadUntracked for HookField<T> {
    type Value = Mapped<ReadGuard<Mirror, Plain<Mirror>>, T>;

    fn try_read_untracked(&self) -> Option<Self::Value> {
        self.snapshot.try_read_untracked().map(|guard| Mapped::new_with_guard(guard, self.read))
    }
}

impl<T: Clone + Send + Sync> From<HookField<T>> for Signal<T> {
    fn from(field: HookField<T>) -> Self {
        Signal::derive(move || field.get())
    }
}
