"""retarget stage."""
