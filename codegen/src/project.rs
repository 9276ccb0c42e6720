/// A loaded project (being written).
pub struct Project;
