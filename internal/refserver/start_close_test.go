package refserver

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCloseDropsUnusedConnections: a connection that never carried a request
// must not hold Close for the shutdown grace.
func TestCloseDropsUnusedConnections(t *testing.T) {
	rs, err := Start(context.Background(), Config{}, "", false)
	require.NoError(t, err)
	c, err := net.Dial("tcp", rs.Addr.String())
	require.NoError(t, err)
	defer c.Close()
	time.Sleep(50 * time.Millisecond) // let the server see the connection
	start := time.Now()
	require.NoError(t, rs.Close())
	require.Less(t, time.Since(start), shutdownGrace/2, "Close waited for an idle new connection")
}
