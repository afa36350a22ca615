"""Host CPU time from /proc (proc(5)), for the benchmarks that report how much of the host an emulator used."""
import os

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(stat_path):
    """utime + stime of a process (all its threads) or of one thread: fields 14 and 15 of /proc/PID/stat or
    /proc/PID/task/TID/stat, counted after the parenthesised name, which may hold spaces."""
    with open(stat_path) as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def host_busy_seconds():
    """CPU seconds all the host's cores have been busy so far (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS_PER_SECOND
