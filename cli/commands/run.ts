import type { Command } from "commander";
import type { CommandContext } from "../main.js";

export function registerRun(_program: Command, _ctx: CommandContext): void {}
