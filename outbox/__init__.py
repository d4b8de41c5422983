"""Transactional outbox: `event_publish(topic=..., payload=...)` inside a business transaction."""
