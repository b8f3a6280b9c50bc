//go:build linux

// Command evloop is a measurement, not part of wrtcbench: the open model as
// wrk2 runs it, one event loop on one thread, written in Go, to see how
// little CPU per request Go can spend on this machine (bench/README.md,
// "Against wrk2"). It sends bench/compare.sh's request to bench/target at a
// fixed rate over -c kept connections, each request as it falls due on an
// idle one, and counts the answers; it checks nothing and records no
// latency. It blocks in epoll_pwait2, whose timeout is in nanoseconds,
// through a raw system call (-raw, the default: the thread keeps Go's
// processor, so nothing else of the process runs meanwhile) or the
// runtime's blocking one (-raw=false). It stops after twice -d whatever
// happened.
//
//	taskset -c 0 go run ./bench/target -addr 127.0.0.1:8089 &
//	taskset -c 1 go run ./bench/evloop -rate 5000 -d 8s
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	rate := flag.Int("rate", 1000, "requests per second")
	dur := flag.Duration("d", 8*time.Second, "how long to send")
	conns := flag.Int("c", 64, "kept connections")
	port := flag.Int("port", 8089, "the target's port on 127.0.0.1")
	raw := flag.Bool("raw", true, "wait in a raw system call, holding Go's processor")
	flag.Parse()
	if err := run(*rate, *dur, *conns, *port, *raw); err != nil {
		fmt.Fprintln(os.Stderr, "evloop:", err)
		os.Exit(1)
	}
}

func run(rate int, dur time.Duration, conns, port int, raw bool) error {
	if rate <= 0 || dur <= 0 || conns <= 0 {
		return errors.New("-rate, -d and -c must be positive")
	}
	runtime.LockOSThread()
	body := `{"sessionId":"6f1c0d8e-0000-4000-8000-000000000001","participants":[{"participantId":"0a2b0000-0000-4000-8000-000000000003"}]}`
	req := fmt.Appendf(nil, "PUT /v1/accounts/9900000/sessions/6f1c0d8e-0000-4000-8000-000000000001/participants/0a2b0000-0000-4000-8000-000000000002 HTTP/1.1\r\n"+
		"Host: 127.0.0.1:%d\r\nAuthorization: Basic YmVuY2g6YmVuY2g=\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", port, len(body), body)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return err
	}
	var idle []int
	for range conns {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		if err := unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if err := unix.SetNonblock(fd, true); err != nil {
			return err
		}
		if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}); err != nil {
			return err
		}
		idle = append(idle, fd)
	}
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	start := time.Now()
	every := time.Second / time.Duration(rate)
	total := int(dur / every)
	var evs [64]unix.EpollEvent
	buf := make([]byte, 4096)
	sent, answered, lost := 0, 0, 0
	for answered+lost < total && time.Since(start) < 2*dur {
		for sent < total && time.Duration(sent)*every <= time.Since(start) && len(idle) > 0 {
			fd := idle[len(idle)-1]
			idle = idle[:len(idle)-1]
			if _, err := unix.Write(fd, req); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			sent++
		}
		tsp := uintptr(0) // no timeout: only answers are left
		var ts unix.Timespec
		if sent < total {
			ts = unix.NsecToTimespec(int64(max(time.Duration(sent)*every-time.Since(start), 0)))
			tsp = uintptr(unsafe.Pointer(&ts))
		}
		wait := unix.Syscall6
		if raw {
			wait = unix.RawSyscall6
		}
		n, _, e := wait(unix.SYS_EPOLL_PWAIT2, uintptr(ep), uintptr(unsafe.Pointer(&evs[0])), uintptr(len(evs)), tsp, 0, 0)
		if e != 0 {
			if e == unix.EINTR {
				continue
			}
			return fmt.Errorf("epoll_pwait2: %w", e)
		}
		for i := range int(n) {
			fd := int(evs[i].Fd)
			switch k, err := unix.Read(fd, buf); {
			case k > 0: // bench/target's 204 comes in one segment
				answered++
				idle = append(idle, fd)
			case err != unix.EAGAIN:
				_ = unix.EpollCtl(ep, unix.EPOLL_CTL_DEL, fd, nil)
				_ = unix.Close(fd)
				lost++
			}
		}
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := syscall.TimevalToNsec(ru1.Utime) - syscall.TimevalToNsec(ru0.Utime) + syscall.TimevalToNsec(ru1.Stime) - syscall.TimevalToNsec(ru0.Stime)
	fmt.Printf("evloop raw=%v %d/s: %d sent, %d answered, %d connections lost, %.1f cpu-us/req\n",
		raw, rate, sent, answered, lost, float64(cpu)/1e3/float64(max(answered, 1)))
	return nil
}
