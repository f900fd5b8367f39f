//! The bounded map every store keeps its entries in, and the byte estimate it counts.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Map, Value};

/// What an entry of a [`Bounded`] map costs besides its own bytes (hash slot, allocations).
pub(super) const ENTRY_OVERHEAD: usize = 128;

/// An estimate of the heap bytes a stored value holds.
pub(super) trait Footprint {
    /// Bytes, roughly (string lengths plus a little per allocation).
    fn footprint(&self) -> usize;
}

impl Footprint for String {
    fn footprint(&self) -> usize {
        self.len()
    }
}

impl<T: Footprint> Footprint for Option<T> {
    fn footprint(&self) -> usize {
        self.as_ref().map_or(0, Footprint::footprint)
    }
}

impl Footprint for Value {
    fn footprint(&self) -> usize {
        16 + match self {
            Value::String(s) => s.len(),
            Value::Array(a) => a.iter().map(Footprint::footprint).sum(),
            Value::Object(m) => m.footprint(),
            _ => 0,
        }
    }
}

impl Footprint for Map<String, Value> {
    fn footprint(&self) -> usize {
        self.iter().map(|(k, v)| 16 + k.len() + v.footprint()).sum()
    }
}

/// A map capped in entries and in bytes: an insert that would pass either cap is refused.
#[derive(Debug)]
pub(super) struct Bounded<V> {
    map: HashMap<String, (V, usize)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl<V: Footprint> Bounded<V> {
    pub(super) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self { map: HashMap::new(), bytes: 0, max_entries, max_bytes }
    }

    pub(super) fn len(&self) -> usize {
        self.map.len()
    }

    /// The bytes held (estimated).
    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(super) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key).map(|(v, _)| v)
    }

    /// Mutable access; the change must not grow the value (its size is not recounted).
    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(key).map(|(v, _)| v)
    }

    pub(super) fn remove(&mut self, key: &str) -> Option<V> {
        let (v, size) = self.map.remove(key)?;
        self.bytes = self.bytes.saturating_sub(size);
        Some(v)
    }

    /// Whether an entry of `size` bytes fits.
    fn fits(&self, size: usize) -> bool {
        self.map.len() < self.max_entries && self.bytes.saturating_add(size) <= self.max_bytes
    }

    /// Inserts (replacing an entry of the same key), or gives the value back when a cap
    /// would be passed.
    pub(super) fn insert(&mut self, key: String, value: V) -> Result<(), V> {
        let size = ENTRY_OVERHEAD + key.len() + value.footprint();
        let _ = self.remove(&key);
        if !self.fits(size) {
            return Err(value);
        }
        self.bytes += size;
        self.map.insert(key, (value, size));
        Ok(())
    }

    /// Keeps the entries for which `keep` is true.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        let mut freed = 0;
        self.map.retain(|k, (v, size)| {
            let kept = keep(k, v);
            if !kept {
                freed += *size;
            }
            kept
        });
        self.bytes = self.bytes.saturating_sub(freed);
    }

    /// Removes and returns the entries for which `take` is true.
    pub(super) fn take_where(&mut self, mut take: impl FnMut(&V) -> bool) -> Vec<(String, V)> {
        let keys: Vec<String> =
            self.map.iter().filter(|(_, (v, _))| take(v)).map(|(k, _)| k.clone()).collect();
        keys.into_iter().filter_map(|k| self.remove(&k).map(|v| (k, v))).collect()
    }

    /// Removes the `n` entries with the smallest `age_key` (the oldest).
    pub(super) fn evict_oldest<K: Ord>(&mut self, n: usize, age_key: impl Fn(&V) -> K) {
        let mut ages: Vec<(K, String)> = self.map.iter().map(|(k, (v, _))| (age_key(v), k.clone())).collect();
        ages.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, key) in ages.into_iter().take(n) {
            let _ = self.remove(&key);
        }
    }
}

/// Locks a mutex, ignoring poisoning (no invariant spans a panic here).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_maps_cap_entries_and_bytes() {
        let mut m: Bounded<String> = Bounded::new(3, 10_000);
        for i in 0..3 {
            assert!(m.insert(format!("k{i}"), "v".into()).is_ok());
        }
        assert!(m.insert("k3".into(), "v".into()).is_err(), "entry cap");
        assert!(m.insert("k0".into(), "w".into()).is_ok(), "replacing is not growing");
        let mut m: Bounded<String> = Bounded::new(1000, 10_000);
        assert!(m.insert("big".into(), "x".repeat(9_000)).is_ok());
        assert!(m.insert("big2".into(), "x".repeat(2_000)).is_err(), "byte cap");
        assert!(m.bytes() >= 9_000);
        let _ = m.remove("big");
        assert_eq!(m.bytes(), 0);
        assert!(m.insert("big2".into(), "x".repeat(2_000)).is_ok());
    }
}
