/* SPDX-License-Identifier: BSD-2-Clause */
/* Subcommands of ntag424(1): each is its own small function in its own file. */
#ifndef NTAG424_CMD_H
#define NTAG424_CMD_H

/*
 * Each subcommand gets argc/argv starting at its own name (argv[0] is the
 * subcommand) and returns the process exit status:
 *   0 success, 1 the operation failed (message printed), 2 usage error.
 */
#define EXIT_USAGE	2

struct subcommand {
	const char	*name;
	const char	*summary;
	int		(*run)(int argc, char **argv);
};

int cmd_keys(int argc, char **argv);
int cmd_keys_import(int argc, char **argv);	/* import, forget */
int cmd_keys_export_wipe(int argc, char **argv);	/* cmd_keys_wipe.c */
int cmd_sun(int argc, char **argv);	/* cmd_sun.c */
int cmd_info(int argc, char **argv);
int cmd_list_readers(int argc, char **argv);
int cmd_emulate(int argc, char **argv);
int cmd_provision(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_adopt(int argc, char **argv);	/* cmd_adopt.c */
int cmd_check(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_tap(int argc, char **argv);

#endif
