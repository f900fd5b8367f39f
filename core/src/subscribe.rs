//! Subscriber lists: the core objects ([`ConnectUi`](crate::ConnectUi),
//! [`AuthRunner`](crate::AuthRunner)) tell adapters and apps what changed through these.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

type Callback<T> = Rc<dyn Fn(&T)>;

/// The callbacks subscribed to one kind of value. Callbacks are called in subscription order
/// with the list released, so they may subscribe, unsubscribe or use the object that notifies.
///
/// The list is borrowed only by the few lines here, which run no callback and drop none (an
/// unsubscribed callback is dropped once the list is released, so its drop may use the list
/// too): a borrow never meets another, and none can panic (`try_borrow`, with a defined outcome
/// if one ever did: nothing is added, removed or called).
pub(crate) struct Listeners<T: ?Sized> {
    /// `(id, callback)`, ids ascending. An `Option` so that `remove` can take the callback out
    /// before the entry goes.
    list: RefCell<Vec<(u32, Option<Callback<T>>)>>,
    next: Cell<u32>,
}

impl<T: ?Sized> Default for Listeners<T> {
    fn default() -> Self {
        Self { list: RefCell::default(), next: Cell::new(0) }
    }
}

/// What a [`Subscription`] needs of its list: one trait object for every kind of value, so
/// that the guard holds no closure of its own.
trait Unsubscribe {
    fn remove(&self, id: u32);
}

impl<T: ?Sized> Unsubscribe for Listeners<T> {
    fn remove(&self, id: u32) {
        let gone = self.list.try_borrow_mut().ok().and_then(|mut list| {
            let gone = list.iter_mut().find(|(i, _)| *i == id).and_then(|(_, callback)| callback.take());
            // Only the entry emptied above goes: nothing of the app's is dropped here.
            list.retain(|(_, callback)| callback.is_some());
            gone
        });
        drop(gone);
    }
}

impl<T: ?Sized + 'static> Listeners<T> {
    /// Adds `callback` until the returned guard is dropped.
    pub fn add(self: &Rc<Self>, callback: impl Fn(&T) + 'static) -> Subscription {
        let id = self.next.get();
        // u32 ids (less wasm than u64): they wrap after 4 billion subscriptions to one list.
        self.next.set(id.wrapping_add(1));
        // Were the list borrowed, the guard would stand for a callback never added.
        if let Ok(mut list) = self.list.try_borrow_mut() {
            list.push((id, Some(Rc::new(callback))));
        }
        let list: Weak<dyn Unsubscribe> = Rc::downgrade(self) as Weak<Self>;
        Subscription(list, id)
    }

    /// Calls every callback subscribed before this call, with `value`. The list is not held
    /// while a callback runs (each one is looked up by its id).
    pub fn notify(&self, value: &T) {
        let (mut next, end) = (0, self.next.get());
        loop {
            let found = self.list.try_borrow().ok().and_then(|list| {
                let (id, callback) = list.iter().find(|(id, _)| *id >= next)?;
                Some((*id, callback.clone()?))
            });
            match found {
                Some((id, callback)) if id < end => {
                    next = id + 1;
                    callback(value);
                }
                _ => return,
            }
        }
    }

    /// Drops every callback (their guards become no-ops), with the list released.
    pub fn clear(&self) {
        let dropped = self.list.try_borrow_mut().map(|mut list| std::mem::take(&mut *list));
        drop(dropped);
    }
}

/// Keeps a subscription (e.g. [`ConnectUi::subscribe`](crate::ConnectUi::subscribe)) alive;
/// dropping it unsubscribes.
#[must_use = "dropping a Subscription unsubscribes at once"]
pub struct Subscription(Weak<dyn Unsubscribe>, u32);

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Subscription")
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(list) = self.0.upgrade() {
            list.remove(self.1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_dropped_when_unsubscribed_may_subscribe_another() {
        /// Subscribes a recorder to the list when dropped.
        struct OnDrop(Rc<Listeners<u32>>, Rc<Cell<u32>>);
        impl Drop for OnDrop {
            fn drop(&mut self) {
                let seen = self.1.clone();
                std::mem::forget(self.0.add(move |v| seen.set(*v)));
            }
        }
        let list: Rc<Listeners<u32>> = Rc::default();
        let seen = Rc::new(Cell::new(0));
        let on_drop = OnDrop(list.clone(), seen.clone());
        let subscription = list.add(move |_| {
            let _ = &on_drop;
        });
        drop(subscription);
        list.notify(&7);
        assert_eq!(seen.get(), 7, "the subscription made while the old callback was dropped is kept");
    }

    #[test]
    fn callbacks_run_in_order_until_unsubscribed_and_may_reenter() {
        let list: Rc<Listeners<u32>> = Rc::default();
        let seen = Rc::new(RefCell::new(Vec::new()));
        let (log, inner) = (seen.clone(), list.clone());
        let first = list.add(move |v| {
            log.borrow_mut().push(("a", *v));
            // Re-entrant: subscribing from a callback neither panics nor runs the new one now.
            std::mem::forget(inner.add(|_| {}));
        });
        let log = seen.clone();
        let second = list.add(move |v| log.borrow_mut().push(("b", *v)));
        list.notify(&1);
        drop(first);
        list.notify(&2);
        assert_eq!(*seen.borrow(), [("a", 1), ("b", 1), ("b", 2)]);
        list.clear();
        list.notify(&3);
        drop(second);
        assert_eq!(seen.borrow().len(), 3);
    }

    #[test]
    fn a_callback_unsubscribed_by_an_earlier_one_is_not_called() {
        let list: Rc<Listeners<u32>> = Rc::default();
        let later: Rc<RefCell<Option<Subscription>>> = Rc::default();
        let slot = later.clone();
        let _first = list.add(move |_| drop(slot.borrow_mut().take()));
        let seen = Rc::new(Cell::new(0));
        let count = seen.clone();
        *later.borrow_mut() = Some(list.add(move |_| count.set(count.get() + 1)));
        list.notify(&1);
        list.notify(&2);
        assert_eq!(seen.get(), 0, "dropped before its turn: never called");
    }
}
