//! How an ONNX tensor is held by an IR layer.
//!
//! ONNX convolutions and pools are channels-first (`[N, C, H, W]`); the IR is channels-last
//! (`[H, W, C]`, batch excluded). Rather than reorder data at every ONNX `Transpose`, each ONNX tensor
//! is tracked as a [`Value`]: the IR layer holding its elements and the `order` of its axes in that
//! layer's memory. An ONNX `Transpose` only changes the order; data is reordered (an IR `Transpose`
//! layer) only when an operator needs an order the data is not in. So the tf2onnx pattern
//! `NHWC input → Transpose(0,3,1,2) → Conv → Transpose(0,2,3,1)` needs no IR transpose at all, while a
//! PyTorch-style NCHW input gets one transpose in front of its first convolution.
//!
//! Axes of size 1 do not affect the order of the elements in memory, so they are ignored when
//! comparing orders, and an IR layer may hold a tensor with its unit axes dropped (a global pooling
//! layer outputs `[C]` for ONNX's `[N, C, 1, 1]`).

use crate::ir::LayerId;

/// An ONNX tensor computed by the IR graph.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Value {
    /// The IR layer holding the elements.
    pub layer: LayerId,
    /// The ONNX dimensions without the batch axis.
    pub dims: Vec<usize>,
    /// The layer's elements, in row-major order, are those of the ONNX tensor (batch excluded)
    /// with its axes permuted by `order`: memory axis `i` is ONNX axis `order[i]`.
    pub order: Vec<usize>,
}

impl Value {
    /// Rank without the batch axis.
    pub fn rank(&self) -> usize {
        self.dims.len()
    }

    /// The ONNX axes of size greater than one, in memory order.
    pub fn significant_order(&self, order: &[usize]) -> Vec<usize> {
        order.iter().copied().filter(|&a| self.dims[a] != 1).collect()
    }

    /// True when the elements, in memory, are also those of the tensor permuted by `order`.
    pub fn stored_as(&self, order: &[usize]) -> bool {
        self.significant_order(&self.order) == self.significant_order(order)
    }

    /// The dimensions of the tensor permuted by `order`.
    pub fn permuted_dims(&self, order: &[usize]) -> Vec<usize> {
        order.iter().map(|&a| self.dims[a]).collect()
    }

    /// An order that puts ONNX axis `axis` last and keeps the others as they are stored, so that no
    /// data moves when `axis` is already the innermost significant axis.
    pub fn order_with_last(&self, axis: usize) -> Vec<usize> {
        let mut order: Vec<usize> = self.order.iter().copied().filter(|&a| a != axis).collect();
        order.push(axis);
        order
    }
}

/// `0, 1, ..., n-1`.
pub(super) fn identity(n: usize) -> Vec<usize> {
    (0..n).collect()
}

/// The channels-last order of a channels-first tensor of rank `n` (batch excluded):
/// `[C, H, W]` is stored as `[H, W, C]`.
pub(super) fn channels_last(n: usize) -> Vec<usize> {
    (1..n).chain(std::iter::once(0)).collect()
}

/// The inverse permutation.
pub(super) fn inverse(perm: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i;
    }
    inv
}

/// True when `perm` holds each of `0..perm.len()` once.
pub(super) fn is_permutation(perm: &[usize]) -> bool {
    let mut seen = vec![false; perm.len()];
    perm.iter()
        .all(|&p| p < perm.len() && !std::mem::replace(&mut seen[p], true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_last_of_chw_is_hwc() {
        assert_eq!(channels_last(3), vec![1, 2, 0]);
        assert_eq!(channels_last(2), vec![1, 0]);
        assert_eq!(inverse(&[1, 2, 0]), vec![2, 0, 1]);
    }

    #[test]
    fn unit_axes_do_not_change_the_memory_order() {
        let v = Value {
            layer: 0,
            dims: vec![1, 8, 8],
            order: vec![1, 2, 0],
        };
        assert!(v.stored_as(&[0, 1, 2]));
        let v = Value {
            layer: 0,
            dims: vec![2, 8, 8],
            order: vec![1, 2, 0],
        };
        assert!(!v.stored_as(&[0, 1, 2]));
        assert!(v.stored_as(&channels_last(3)));
    }

    #[test]
    fn permutation_check() {
        assert!(is_permutation(&[2, 0, 1]));
        assert!(!is_permutation(&[0, 0, 1]));
        assert!(!is_permutation(&[0, 3]));
    }
}
