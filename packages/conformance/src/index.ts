export { buildContract, contractProblems } from './sdl';
