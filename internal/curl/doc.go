// Package curl renders a request as a curl command a person can paste into a
// shell to reproduce it: the URL as the engines send it, every header, the
// exact body bytes, and the credentials kept out of the text
// ($WRTC_USERNAME and $WRTC_PASSWORD stand for them).
//
// It does not send anything; the tests replay its lines against a loopback
// server and compare what arrives with what the engines sent.
package curl
