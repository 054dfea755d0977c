from desk.store.store import Store, StoreUnavailable, Turn

__all__ = ["Store", "StoreUnavailable", "Turn"]
