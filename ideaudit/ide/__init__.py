"""Running IDEs and the environment an IDE hands its tools."""
