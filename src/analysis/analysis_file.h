/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Analysis files (analysis.h): what a file asks for and what was found.
 * Shared by src/io/analysis_read.c (the reader) and
 * src/analysis/analysis_file.c (running it and writing the data).
 */
#ifndef SOMA_ANALYSIS_FILE_H
#define SOMA_ANALYSIS_FILE_H

#include "analysis/analysis_internal.h"

#define SOMA__AN_MAX_CYCLES 4

struct soma__an_traj {
	double y0[SOMA__SYS_MAX_VARS]; /* start: every variable */
	double duration;               /* ms */
	unsigned every;                /* keep every k-th step (0: 1) */
};

struct soma_analysis {
	char *path;
	char *outdir;
	int plots;
	soma_analysis_kind kind;
	soma_system *sys;
	soma_box box;
	soma_flow_opts flow;

	/* phase_plane */
	int nullclines;                /* draw nullclines (2-D) */
	unsigned nullcline_res;
	soma_fp_opts fp;
	int vector_field;
	unsigned vf_res;
	struct soma__an_traj *traj;    /* phase_plane or bifurcation
					  trajectories, as the kind asks */
	size_t n_traj;
	int limit_cycle;
	soma_cycle_opts cyc;

	/* bifurcation */
	soma_bif_opts bif;
	char *par_name[2];
	int fast_slow;

	/* results */
	int ran;
	soma_fixed_point *fps;
	size_t n_fps;
	double *nc[2];
	size_t n_nc[2];
	double *vf;
	size_t n_vf;
	double **traj_rows;
	size_t *traj_n;
	soma_limit_cycle cycles[SOMA__AN_MAX_CYCLES];
	size_t n_cycles;
	soma_bifurcation *bres;
	char **files;
	size_t n_files;
	soma_analysis_info info;
	int lock_fd;                   /* soma_analysis_open_dir(), or -1 */
	char err[2048];
};

/* Read the document of @c into @a (sys, box and options); 0 or a status
 * with the message in c->err. */
struct soma__yctx;
int soma__analysis_read(struct soma__yctx *c, soma_analysis *a);
int soma__analysis_check_top(struct soma__yctx *c, int early);

#endif
