//! Dense weight arrays.

/// A dense `f32` array in row-major order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tensor {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` elements, row-major.
    pub data: Vec<f32>,
}

impl Tensor {
    /// A tensor from its shape and data; `None` when the two disagree.
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Option<Tensor> {
        (shape.iter().product::<usize>() == data.len()).then_some(Tensor { shape, data })
    }

    /// A tensor of zeros.
    pub fn zeros(shape: Vec<usize>) -> Tensor {
        let n = shape.iter().product();
        Tensor {
            shape,
            data: vec![0.0; n],
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when the tensor has no element.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The largest absolute value (0 for an empty tensor).
    pub fn max_abs(&self) -> f32 {
        self.data.iter().fold(0.0f32, |m, v| m.max(v.abs()))
    }

    /// The same elements with the axes permuted: axis `i` of the result is axis `perm[i]` of `self`.
    pub fn permuted(&self, perm: &[usize]) -> Tensor {
        assert_eq!(perm.len(), self.shape.len(), "permutation rank");
        let shape: Vec<usize> = perm.iter().map(|&p| self.shape[p]).collect();
        let rank = self.shape.len();
        let mut in_strides = vec![1usize; rank];
        for i in (0..rank.saturating_sub(1)).rev() {
            in_strides[i] = in_strides[i + 1] * self.shape[i + 1];
        }
        let mut data = Vec::with_capacity(self.data.len());
        let mut idx = vec![0usize; rank];
        for _ in 0..self.data.len() {
            let src: usize = (0..rank).map(|i| idx[i] * in_strides[perm[i]]).sum();
            data.push(self.data[src]);
            for i in (0..rank).rev() {
                idx[i] += 1;
                if idx[i] < shape[i] {
                    break;
                }
                idx[i] = 0;
            }
        }
        Tensor { shape, data }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permuting_a_matrix_transposes_it() {
        let t = Tensor::new(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]).unwrap();
        let p = t.permuted(&[1, 0]);
        assert_eq!(p.shape, vec![3, 2]);
        assert_eq!(p.data, vec![1., 4., 2., 5., 3., 6.]);
    }
}
