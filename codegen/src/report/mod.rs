//! Placeholder: the Vivado / Vivado HLS report parser is filled in next.
