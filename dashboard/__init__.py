"""The dashboard's shared package: warehouse access, queries, filter state, figures,
exports. Pages import from here and hold no SQL of their own."""
