/*
 * A /proc/<pid>/status text in the kernel's layout, shared by the unit
 * tests of the two parsers that read it (procstat.h and creds.h).
 */
#ifndef IPCFS_TEST_STATUS_SAMPLE_H
#define IPCFS_TEST_STATUS_SAMPLE_H

static const char status_text[] =
	"Name:\tcat\nUmask:\t0022\nState:\tD (disk sleep)\nTgid:\t42\n"
	"Ngid:\t0\nPid:\t43\nPPid:\t1\nUid:\t1000\t1001\t1002\t1003\n"
	"Gid:\t100\t101\t102\t103\nGroups:\t4 24 27 \n"
	"SigQ:\t0/1000\nSigPnd:\t0000000000000000\n"
	"ShdPnd:\t0000000000000100\nSigBlk:\t0000000000010000\n"
	"SigIgn:\t0000000000001000\nSigCgt:\t0000000180000002\n"
	"CapInh:\t0\nCapPrm:\t0\nCapEff:\t0000000000000020\n";

#endif
