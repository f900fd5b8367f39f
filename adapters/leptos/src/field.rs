//! [`UiField`]: one field of the Connect UI's state as a read-only signal.

use std::fmt;
use std::panic::Location;

use leptos::prelude::*;
use leptos::reactive::signal::guards::{Mapped, Plain, ReadGuard};
use nango_frontend::ConnectUiSnapshot;

/// One field of [`UseConnectUiReturn`](crate::UseConnectUiReturn)'s state as a read-only signal
/// (`Copy`): `.get()`, `.with(..)`, `.read()` and their `_untracked` forms. Tracked like a memo:
/// its readers re-run when this field changes, not when another one does. `.into()` makes a
/// [`Signal`].
///
/// All fields read one signal of the core's snapshot, each with its own change trigger: one
/// signal type instead of one per field keeps the adapter small (issue 27).
pub struct UiField<T: 'static> {
    pub(crate) snapshot: RwSignal<ConnectUiSnapshot>,
    pub(crate) changed: Trigger,
    pub(crate) read: fn(&ConnectUiSnapshot) -> &T,
}

impl<T> UiField<T> {
    pub(crate) fn new(snapshot: RwSignal<ConnectUiSnapshot>, read: fn(&ConnectUiSnapshot) -> &T) -> Self {
        Self { snapshot, changed: Trigger::new(), read }
    }
}

impl<T> Clone for UiField<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for UiField<T> {}

impl<T> fmt::Debug for UiField<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UiField")
    }
}

impl<T> DefinedAt for UiField<T> {
    fn defined_at(&self) -> Option<&'static Location<'static>> {
        None
    }
}

impl<T> Track for UiField<T> {
    fn track(&self) {
        self.changed.track();
    }
}

impl<T> ReadUntracked for UiField<T> {
    type Value = Mapped<ReadGuard<ConnectUiSnapshot, Plain<ConnectUiSnapshot>>, T>;

    fn try_read_untracked(&self) -> Option<Self::Value> {
        self.snapshot.try_read_untracked().map(|guard| Mapped::new_with_guard(guard, self.read))
    }
}

impl<T: Clone + Send + Sync> From<UiField<T>> for Signal<T> {
    fn from(field: UiField<T>) -> Self {
        Signal::derive(move || field.get())
    }
}
