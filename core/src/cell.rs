//! `RefCell` borrows without a panic path.
//!
//! A `RefCell` borrow that meets another panics, and every call site of `borrow`/`borrow_mut`
//! links a panic location into the wasm build (and the panic machinery `core::fmt`'s padding).
//! The core's cells are borrowed only by code that runs nothing of the app's, and a value they
//! hand back or replace (a token source, a future, a callback) is dropped after the borrow: a
//! borrow never meets another. These helpers say what happens if one ever did: nothing (`None`).

use std::cell::RefCell;

/// A copy of what `cell` holds.
pub(crate) fn copy<T: Clone>(cell: &RefCell<T>) -> Option<T> {
    cell.try_borrow().ok().map(|value| value.clone())
}

/// Puts `value` in `cell` and returns what it held, for the caller to drop after the borrow
/// (if the cell were borrowed, `value` is dropped and nothing changes).
pub(crate) fn replace<T>(cell: &RefCell<T>, value: T) -> Option<T> {
    cell.try_borrow_mut().ok().map(|mut held| std::mem::replace(&mut *held, value))
}
