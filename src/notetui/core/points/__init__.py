"""Points: a section cut into bullets and lines, aligned across authors."""
