#!/usr/bin/env python3
"""The server's link-time dependency graph, for tests/core/deps.sh.

Usage: deps.py BUILD_DIR SRC_DIR
       deps.py --objects OBJ=SOURCE...

Finds every object of the server in BUILD_DIR's compile_commands.json
(those built under BUILD_DIR/src from a source under SRC_DIR, src/;
the unit tests and fuzz targets compile some of the same sources again,
elsewhere), reads each one's symbols with nm, and draws an edge A -> B
when A uses (U) a global symbol that B defines.  Each object's layer comes
from its source's folder: src/core is the core, src/main.c is main, any
other folder of src/ is a family.  With --objects the pairs are given
directly (the self-test's fake builds).

Prints one finding a line, tagged for the shell test to pick out:

  object: core/fs.c                         every object it read
  core-family: core/fs.c -> proc/proc.c (proc_family_ops)
  family-family: mq/mqfs.c -> shm/shmseg.c (...)
  refers-main: core/loop.c -> main.c (...)
  cycle core: core/fs.c -> core/node.c -> core/fs.c
  main-misses: shm                          a family main.c uses nothing of
  unknown: OBJ (SOURCE)                     an object outside every layer
  core-includes: core/fs.c includes proc/proc.h    (not with --objects)

A layer's cycles are its strongly connected components of two or more
objects; one cycle through each is printed, with the symbols of each edge.
"""
import json
import os
import shlex
import subprocess
import sys

DEFINED = set('TDBRCGSVWi')  # global definitions in nm -P's type column


def symbols(obj):
    """(defined, undefined) global symbols of one object file."""
    out = subprocess.run(['nm', '-P', obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undef = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, typ = f[0], f[1]
        if typ in ('U', 'w', 'v'):
            undef.add(name)
        elif typ in DEFINED:
            defined.add(name)
    return defined, undef


def server_objects(build, srcdir):
    """[(object path, source path relative to srcdir)] of the server."""
    build, srcdir = os.path.realpath(build), os.path.realpath(srcdir)
    with open(os.path.join(build, 'compile_commands.json')) as f:
        cmds = json.load(f)
    seen, objs = set(), []
    for c in cmds:
        d = c['directory']
        out = os.path.realpath(os.path.join(d, c['output']))
        src = os.path.realpath(os.path.join(d, c['file']))
        # the folders' libraries (build/src/...) and the executable's
        # own object, main.c (build/ipcfs.p); unit tests that compile a
        # server source again are elsewhere and left out
        if not any(os.path.commonpath([out, os.path.join(build, top)]) ==
                   os.path.join(build, top) for top in ('src', 'ipcfs.p')):
            continue
        if os.path.commonpath([src, srcdir]) != srcdir:
            continue
        rel = os.path.relpath(src, srcdir)
        if rel in seen:
            continue
        seen.add(rel)
        objs.append((out, rel))
    return objs


def core_includes(build, srcdir):
    """Lines 'core/X.c includes FAMILY/Y.h': every header outside the core
    that a core source reads, directly or through another header, as the
    preprocessor finds it with the server's own command line."""
    build, srcdir = os.path.realpath(build), os.path.realpath(srcdir)
    with open(os.path.join(build, 'compile_commands.json')) as f:
        cmds = json.load(f)
    found, done = [], set()
    for c in cmds:
        d = c['directory']
        src = os.path.realpath(os.path.join(d, c['file']))
        if os.path.commonpath([src, srcdir]) != srcdir:
            continue
        rel = os.path.relpath(src, srcdir)
        if layer(rel) != 'core' or rel in done:
            continue
        done.add(rel)
        args, skip = [], False
        for a in shlex.split(c['command']):
            if skip:
                skip = False
            elif a in ('-o', '-MQ', '-MF', '-MT'):
                skip = True
            elif a not in ('-c', '-MD', '-MMD'):
                args.append(a)
        out = subprocess.run(args + ['-MM'], cwd=d, check=True,
                             capture_output=True, text=True).stdout
        deps = out.replace('\\\n', ' ').split(':', 1)[1].split()
        for h in deps:
            h = os.path.realpath(os.path.join(d, h))
            if os.path.commonpath([h, srcdir]) != srcdir:
                continue
            hrel = os.path.relpath(h, srcdir)
            if layer(hrel) != 'core':
                found.append(f'{rel} includes {hrel}')
    return found


def layer(rel):
    """'main', 'core', a family's folder name, or None."""
    if rel == 'main.c':
        return 'main'
    if '/' in rel:
        return rel.split('/')[0]
    return None


def graph(objs):
    """{A: {B: [symbols A uses from B]}} and the owner of every symbol."""
    owner, uses = {}, {}
    for obj, rel in objs:
        defined, undef = symbols(obj)
        for s in defined:
            owner.setdefault(s, rel)
        uses[rel] = undef
    edges = {rel: {} for rel in uses}
    for rel, undef in uses.items():
        for s in sorted(undef):
            to = owner.get(s)
            if to is not None and to != rel:
                edges[rel].setdefault(to, []).append(s)
    return edges


def sccs(nodes, edges):
    """Tarjan's strongly connected components of nodes, edges in nodes."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in nodes:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def cycle_in(comp, edges):
    """One cycle through the first object of a component, as a path."""
    start, members = comp[0], set(comp)
    # breadth-first from start back to start, inside the component
    prev, todo = {}, [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(edges[v]):
            if w not in members:
                continue
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if w not in prev:
                prev[w] = v
                todo.append(w)
    return comp


def fmt_edge(edges, a, b):
    syms = edges[a][b]
    more = f', +{len(syms) - 3}' if len(syms) > 3 else ''
    return f'{a} -> {b} ({", ".join(syms[:3])}{more})'


def report(objs):
    known = []
    for obj, rel in objs:
        if layer(rel) is None:
            print(f'unknown: {obj} ({rel})')
        else:
            known.append((obj, rel))
    edges = graph(known)
    for rel in sorted(edges):
        print(f'object: {rel}')
    lay = {rel: layer(rel) for rel in edges}
    families = sorted({lay[r] for r in edges} - {'core', 'main'})
    main_uses = set()
    for a in sorted(edges):
        for b in sorted(edges[a]):
            la, lb = lay[a], lay[b]
            if la == 'main':
                main_uses.add(lb)
            if lb == 'main':
                print('refers-main: ' + fmt_edge(edges, a, b))
            elif la == 'core' and lb != 'core':
                print('core-family: ' + fmt_edge(edges, a, b))
            elif la not in ('core', 'main') and lb not in ('core', la):
                print('family-family: ' + fmt_edge(edges, a, b))
    for fam in families:
        if fam not in main_uses:
            print(f'main-misses: {fam}')
    for grp in ['core'] + families:
        nodes = {r for r in edges if lay[r] == grp}
        for comp in sccs(nodes, edges):
            if len(comp) < 2:
                continue
            path = cycle_in(comp, edges)
            hops = ', '.join(f'{a} -> {b} ({" ".join(edges[a][b][:2])})'
                             for a, b in zip(path, path[1:]))
            print(f'cycle {grp}: {" -> ".join(path)}'
                  f' [component: {" ".join(comp)}] via {hops}')


def main(argv):
    if argv and argv[0] == '--objects':
        objs = [tuple(p.split('=', 1)) for p in argv[1:]]
    elif len(argv) == 2:
        objs = server_objects(argv[0], argv[1])
        for line in core_includes(argv[0], argv[1]):
            print('core-includes: ' + line)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    report(objs)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
