"""The consumer project's own `modules` package, laid out like ours: the library must not shadow it."""

OWNER = "shop-consumer"
