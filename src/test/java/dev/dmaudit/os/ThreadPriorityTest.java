package dev.dmaudit.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.concurrent.atomic.AtomicReference;
import dev.dmaudit.testing.Live;
import org.junit.jupiter.api.Test;

class ThreadPriorityTest {
    private final LibC libc = mock(LibC.class);
    private final ThreadPriority priority = new ThreadPriority(libc);

    @Test
    void aRefusedRaiseNamesTheSyscallTheErrnoAndTheCapability() {
        when(libc.setpriority(0, -10)).thenReturn(-Errno.EACCES);
        when(libc.strerror(Errno.EACCES)).thenReturn("Permission denied");
        assertThatThrownBy(() -> priority.setNice(-10))
                .isInstanceOfSatisfying(SyscallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SyscallException.Kind.PERMISSION);
                    assertThat(e.syscall()).isEqualTo("setpriority");
                })
                .hasMessage("setpriority: EACCES (Permission denied): needs root or CAP_SYS_NICE");
    }

    @Test
    void niceValuesAreClampedToTheKernelsRange() {
        when(libc.setpriority(anyInt(), anyInt())).thenReturn(0);
        priority.setNice(-35);
        priority.setNice(25);
        verify(libc).setpriority(0, -20);
        verify(libc).setpriority(0, 19);
    }

    /** getpriority answers as the system call does: 20 - nice (nice values may be negative), or -errno. */
    @Test
    void negativeNiceValuesAreValuesAndErrnosAreFailures() {
        when(libc.getpriority(0)).thenReturn(21);
        assertThat(priority.nice()).isEqualTo(-1);
        when(libc.getpriority(0)).thenReturn(40);
        assertThat(priority.nice()).isEqualTo(-20);
        when(libc.getpriority(0)).thenReturn(-Errno.ESRCH);
        assertThatThrownBy(priority::nice).isInstanceOf(SyscallException.class).hasMessageStartingWith("getpriority: ESRCH");
    }

    @Test
    @Live
    void liveOnlyTheCallingThreadChangesAndGoingBackNeedsNoPrivilege() throws Exception {
        ThreadPriority p = ThreadPriority.system();
        int mine = p.nice();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                ThreadPriority q = ThreadPriority.system();
                int before = q.nice();
                q.setNice(before - 5);
                int raised = q.nice();
                q.setNice(before);
                seen.set(new int[] {before, raised, q.nice()});
            } catch (RuntimeException e) {
                seen.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(seen.get()).isInstanceOf(int[].class);
        int[] r = (int[]) seen.get();
        assertThat(r[1]).isEqualTo(Math.max(-20, r[0] - 5));
        assertThat(r[2]).isEqualTo(r[0]);
        assertThat(p.nice()).as("the other thread's change is its own").isEqualTo(mine);
    }
}
