"""Forge with Claude: prompts, the client, and turning Claude's answers into findings."""
