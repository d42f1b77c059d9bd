"""QR codes as images: UR parts drawn as PNG frames and an animated GIF (`render`), and read back from
image files, a camera's photos or scans (`scan`). No Qt: the workspace and both front ends use it."""
