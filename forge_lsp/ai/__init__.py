"""The Claude side of Forge: privacy, prompts, client, usage and caching."""
