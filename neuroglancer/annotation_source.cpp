// Placeholder: filled in by the change that brings annotation_source.
