/** Explicit command registry (oclif `explicit` strategy): no directory scanning at start-up. */
import Scan from './scan.js'

export const COMMANDS = {
  scan: Scan,
}
