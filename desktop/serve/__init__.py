"""The only place Deedbook opens a socket: `deedbook serve` (server.py) and the client that syncs from it or
asks a witness to cosign (client.py).  Nothing else in the application touches the network; a person starts
the server, or gives a URL."""
